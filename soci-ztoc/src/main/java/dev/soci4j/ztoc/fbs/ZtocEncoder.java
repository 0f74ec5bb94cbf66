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
 *
 * <p>Memory: the builder's buffer is sized once, from {@link #sizeBound}, an upper bound of the
 * output within a few percent of it, so it never grows (FlatBuffers grows by doubling, copying, and
 * would hold up to 3x the zTOC for a moment). The checkpoints blob is copied from the model's view
 * straight into the buffer, and {@link #encodeBuffer} hands the result out without copying it. The
 * bytes do not depend on the buffer's size: FlatBuffers aligns relative to the end of the buffer,
 * where it starts writing (the golden tests pin this).
 */
public final class ZtocEncoder {
    private ZtocEncoder() {
    }

    public static byte[] encode(Ztoc ztoc) {
        return encode(ztoc, null);
    }

    /**
     * The zTOC's bytes as a read-only view of the buffer they were built in (position 0, limit the
     * length): no copy, unlike {@link #encode(Ztoc)}.
     */
    public static ByteBuffer encodeBuffer(Ztoc ztoc) {
        FlatBufferBuilder b = build(ztoc, null);
        return b.dataBuffer().slice().asReadOnlyBuffer();
    }

    /**
     * Encodes with every entry's {@code type} string replaced by {@code typeName} (when not null). Only
     * for the spec's golden vector, whose entries have the empty type that no {@code EntryType} names.
     */
    static byte[] encode(Ztoc ztoc, String typeName) {
        FlatBufferBuilder b = build(ztoc, typeName);
        ByteBuffer data = b.dataBuffer();
        return data.position() == 0 ? data.array() : b.sizedByteArray();
    }

    private static FlatBufferBuilder build(Ztoc ztoc, String typeName) {
        // No forced defaults, like the reference's flatbuffers.NewBuilder(0): fields equal to their
        // schema default are left out of the buffer. The reference's initial size 0 only makes its
        // buffer grow; the bytes are the same whatever the initial size (see the class comment).
        FlatBufferBuilder b = new FlatBufferBuilder(sizeBound(ztoc, typeName));
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
        return b;
    }

    /**
     * An upper bound of the encoded size, tight to a few percent (measured: 3% over on a layer of
     * 58,694 files). Each string takes at most its UTF-8 length plus 8 (length, NUL, up to 3 bytes of
     * padding), each vector 4 per element plus 7, each table its fields with their worst padding.
     * Vtables are shared between tables with the same layout, so only a constant budget covers them.
     * An estimate too low would cost memory (the buffer doubles), never correctness.
     */
    static int sizeBound(Ztoc ztoc, String typeName) {
        long size = 1024; // root offset, finish padding, the ztoc / toc tables and their vtables, a spare vtable
        size += stringBound(ztoc.version()) + stringBound(ztoc.buildToolIdentifier());
        size += vectorBound(ztoc.files().size());
        size += 256L * (4 + 2 * FileMetadataFields.COUNT + 4); // distinct file vtables: 7 optional fields x 2 alignments
        for (FileMetadata f : ztoc.files()) {
            size += stringBound(f.name()) + stringBound(typeName != null ? typeName : f.type().wireName())
                    + stringBound(f.linkname()) + stringBound(f.uname()) + stringBound(f.gname())
                    + stringBound(f.modTime());
            // the table starts 4-aligned and holds only 4- and 8-byte fields: a long pads at most 4
            int longs = nonZero(f.uncompressedOffset()) + nonZero(f.uncompressedSize()) + nonZero(f.mode())
                    + nonZero(f.devmajor()) + nonZero(f.devminor());
            int ints = 7 + nonZero(f.uid()) + nonZero(f.gid()); // six strings and the xattrs vector, uid, gid
            size += 4 + 4L * ints + 12L * longs;
            size += vectorBound(f.xattrs().size());
            for (Xattr x : f.xattrs()) {
                size += stringBound(x.key()) + x.value().length + 8 + 4 + 4 + 4 + 2 * (4 + 2 * XattrFields.COUNT);
            }
        }
        CompressionInfo info = ztoc.compressionInfo();
        size += info.checkpointsLength() + 7 + vectorBound(info.spanDigests().size()) + 64;
        for (String digest : info.spanDigests()) size += stringBound(digest);
        return (int) Math.min(size, Integer.MAX_VALUE - 8);
    }

    private static int nonZero(long value) {
        return value != 0 ? 1 : 0;
    }

    private static long vectorBound(int elements) {
        return 4L * elements + 7;
    }

    /** UTF-8 length plus 8 (an unpaired surrogate fails the encoding anyway). */
    private static long stringBound(String s) {
        long length = s.length();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80) length += c < 0x800 || Character.isSurrogate(c) ? 1 : 2; // a pair: 2 x 2 = 4 bytes
        }
        return length + 8;
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
        int checkpoints = b.createByteVector(info.checkpointBlob()); // the model's blob, copied once, here
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
