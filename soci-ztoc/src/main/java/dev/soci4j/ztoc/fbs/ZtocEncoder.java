package dev.soci4j.ztoc.fbs;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.soci4j.ztoc.CompressionInfo;
import dev.soci4j.ztoc.FileMetadata;
import dev.soci4j.ztoc.Xattr;
import dev.soci4j.ztoc.Ztoc;
import dev.soci4j.ztoc.fbs.ZtocSchema.CompressionInfoFields;
import dev.soci4j.ztoc.fbs.ZtocSchema.FileMetadataFields;
import dev.soci4j.ztoc.fbs.ZtocSchema.TocFields;
import dev.soci4j.ztoc.fbs.ZtocSchema.XattrFields;
import dev.soci4j.ztoc.fbs.ZtocSchema.ZtocFields;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Writes a {@link Ztoc} as the reference writes it, byte for byte ({@code soci-format.md §1},
 * "Serialization order"). The FlatBuffers layout depends on the order objects are created and fields
 * added, so this class repeats the reference marshaler's order exactly; do not "tidy" it.
 *
 * <p>It does not validate: it encodes what it is given (tests need invalid zTOCs). Text fields are
 * encoded as UTF-8; a string with an unpaired surrogate is a bug in the caller and throws
 * {@link IllegalArgumentException}. Stateless and thread-safe.
 */
public final class ZtocEncoder {
    private ZtocEncoder() {
    }

    public static byte[] encode(Ztoc ztoc) {
        return encode(ztoc, null);
    }

    /**
     * Encodes with every entry's {@code type} string replaced by {@code typeName} (when not null). Only
     * for the spec's golden vector, whose entries have the empty type that no {@code EntryType} names.
     */
    static byte[] encode(Ztoc ztoc, String typeName) {
        // Initial size 0 and no forced defaults, like the reference's flatbuffers.NewBuilder(0):
        // fields equal to their schema default are left out of the buffer.
        FlatBufferBuilder b = new FlatBufferBuilder(0);
        int version = string(b, ztoc.version(), "version");
        int buildTool = string(b, ztoc.buildToolIdentifier(), "build_tool_identifier");
        int toc = toc(b, ztoc.files(), typeName);
        int compressionInfo = compressionInfo(b, ztoc.compressionInfo());

        b.startTable(ZtocFields.COUNT);
        b.addOffset(ZtocFields.VERSION, version, 0);
        b.addOffset(ZtocFields.BUILD_TOOL_IDENTIFIER, buildTool, 0);
        b.addOffset(ZtocFields.TOC, toc, 0);
        b.addLong(ZtocFields.COMPRESSED_ARCHIVE_SIZE, ztoc.compressedArchiveSize(), 0);
        b.addLong(ZtocFields.UNCOMPRESSED_ARCHIVE_SIZE, ztoc.uncompressedArchiveSize(), 0);
        b.addOffset(ZtocFields.COMPRESSION_INFO, compressionInfo, 0);
        b.finish(b.endTable());
        return b.sizedByteArray();
    }

    private static int toc(FlatBufferBuilder b, List<FileMetadata> files, String typeName) {
        // The reference builds the entries from last to first, then the vector in order.
        int[] entries = new int[files.size()];
        for (int i = files.size() - 1; i >= 0; i--) {
            entries[i] = fileMetadata(b, files.get(i), typeName);
        }
        int metadata = offsetVector(b, entries);
        b.startTable(TocFields.COUNT);
        b.addOffset(TocFields.METADATA, metadata, 0);
        return b.endTable();
    }

    private static int fileMetadata(FlatBufferBuilder b, FileMetadata f, String typeName) {
        int name = string(b, f.name(), "name");
        int type = string(b, typeName != null ? typeName : f.type().wireName(), "type");
        int linkname = string(b, f.linkname(), "linkname");
        int uname = string(b, f.uname(), "uname");
        int gname = string(b, f.gname(), "gname");
        int modTime = string(b, f.modTime(), "mod_time");
        List<Xattr> xattrList = sortedByKeyBytes(f.xattrs());
        int[] xattrs = new int[xattrList.size()];
        for (int i = 0; i < xattrs.length; i++) {
            Xattr x = xattrList.get(i);
            int key = string(b, x.key(), "xattr key");
            int value = b.createString(ByteBuffer.wrap(x.value()));
            b.startTable(XattrFields.COUNT);
            b.addOffset(XattrFields.KEY, key, 0);
            b.addOffset(XattrFields.VALUE, value, 0);
            xattrs[i] = b.endTable();
        }
        int xattrVector = offsetVector(b, xattrs);

        b.startTable(FileMetadataFields.COUNT);
        b.addOffset(FileMetadataFields.NAME, name, 0);
        b.addOffset(FileMetadataFields.TYPE, type, 0);
        b.addLong(FileMetadataFields.UNCOMPRESSED_OFFSET, f.uncompressedOffset(), 0);
        b.addLong(FileMetadataFields.UNCOMPRESSED_SIZE, f.uncompressedSize(), 0);
        b.addOffset(FileMetadataFields.LINKNAME, linkname, 0);
        b.addLong(FileMetadataFields.MODE, f.mode(), 0);
        b.addInt(FileMetadataFields.UID, (int) f.uid(), 0); // uint32 on the wire: same four bytes
        b.addInt(FileMetadataFields.GID, (int) f.gid(), 0);
        b.addOffset(FileMetadataFields.UNAME, uname, 0);
        b.addOffset(FileMetadataFields.GNAME, gname, 0);
        b.addOffset(FileMetadataFields.MOD_TIME, modTime, 0);
        b.addLong(FileMetadataFields.DEVMAJOR, f.devmajor(), 0);
        b.addLong(FileMetadataFields.DEVMINOR, f.devminor(), 0);
        b.addOffset(FileMetadataFields.XATTRS, xattrVector, 0);
        return b.endTable();
    }

    private static int compressionInfo(FlatBufferBuilder b, CompressionInfo info) {
        int checkpoints = b.createByteVector(info.checkpoints());
        List<String> digestList = info.spanDigests();
        int[] digests = new int[digestList.size()];
        for (int i = 0; i < digests.length; i++) {
            digests[i] = string(b, digestList.get(i), "span digest");
        }
        int digestVector = offsetVector(b, digests);

        b.startTable(CompressionInfoFields.COUNT);
        b.addInt(CompressionInfoFields.MAX_SPAN_ID, info.maxSpanId(), 0);
        b.addOffset(CompressionInfoFields.SPAN_DIGESTS, digestVector, 0);
        b.addOffset(CompressionInfoFields.CHECKPOINTS, checkpoints, 0);
        // Gzip is the schema default, so gzip zTOCs carry no algorithm field; Uncompressed writes 2.
        b.addByte(CompressionInfoFields.COMPRESSION_ALGORITHM, (byte) info.algorithm().wireValue(),
                CompressionInfoFields.DEFAULT_ALGORITHM);
        return b.endTable();
    }

    /**
     * The reference keeps PAX records in a Go map and writes them in {@code sort.Strings} order: byte
     * order of the UTF-8 keys, which differs from {@link String#compareTo} for characters above U+FFFF.
     * The model's lists are normally sorted already; a stable sort keeps equal keys in list order.
     */
    private static List<Xattr> sortedByKeyBytes(List<Xattr> xattrs) {
        Comparator<Xattr> byKeyBytes = Comparator.comparing(
                x -> x.key().getBytes(StandardCharsets.UTF_8), Arrays::compareUnsigned);
        for (int i = 1; i < xattrs.size(); i++) {
            if (byKeyBytes.compare(xattrs.get(i - 1), xattrs.get(i)) > 0)
                return xattrs.stream().sorted(byKeyBytes).toList();
        }
        return xattrs;
    }

    /** A vector of offsets, always created even when empty (the reference does). */
    private static int offsetVector(FlatBufferBuilder b, int[] offsets) {
        b.startVector(4, offsets.length, 4);
        for (int i = offsets.length - 1; i >= 0; i--) {
            b.addOffset(offsets[i]);
        }
        return b.endVector();
    }

    private static int string(FlatBufferBuilder b, String s, String field) {
        try {
            return b.createString(StandardCharsets.UTF_8.newEncoder().encode(CharBuffer.wrap(s)));
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("zTOC %s \"%s\" is not encodable as UTF-8 (unpaired surrogate?)"
                    .formatted(field, s), e);
        }
    }
}
