package dev.soci4j.ztoc.fbs;

import dev.soci4j.ztoc.CompressionAlgorithm;
import dev.soci4j.ztoc.CompressionInfo;
import dev.soci4j.ztoc.EntryType;
import dev.soci4j.ztoc.FileMetadata;
import dev.soci4j.ztoc.InvalidZtocException;
import dev.soci4j.ztoc.Xattr;
import dev.soci4j.ztoc.Ztoc;
import dev.soci4j.ztoc.fbs.FlatBufferReader.Table;
import dev.soci4j.ztoc.fbs.FlatBufferReader.Vector;
import dev.soci4j.ztoc.fbs.ZtocSchema.CompressionInfoFields;
import dev.soci4j.ztoc.fbs.ZtocSchema.FileMetadataFields;
import dev.soci4j.ztoc.fbs.ZtocSchema.TocFields;
import dev.soci4j.ztoc.fbs.ZtocSchema.XattrFields;
import dev.soci4j.ztoc.fbs.ZtocSchema.ZtocFields;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses zTOC bytes into a {@link Ztoc}, checking the buffer's structure (see {@link FlatBufferReader})
 * but not its meaning: spans, checkpoints and offsets are {@link dev.soci4j.ztoc.ZtocValidator}'s job.
 *
 * <p>Absent fields take the schema default, as the reference's Go accessors do (absent strings are
 * empty, an absent algorithm is Gzip), except the {@code toc} and {@code compression_info} tables,
 * without which a zTOC means nothing. Text fields must be valid UTF-8 because the model holds them as
 * {@link String}s; only xattr values are kept as raw bytes. Stateless and thread-safe.
 */
public final class ZtocDecoder {
    private static final String ROOT = "ztoc";

    private ZtocDecoder() {
    }

    /**
     * Decodes {@code bytes}. The array is not copied: the returned zTOC's checkpoint blob is a
     * read-only view of it (the bulk of a gzip zTOC; copying it would hold it twice), so the caller
     * hands the array over and must not modify it afterwards. The view keeps the whole array alive
     * as long as the zTOC is.
     */
    public static Ztoc decode(byte[] bytes) throws InvalidZtocException {
        FlatBufferReader reader = new FlatBufferReader(bytes, "zTOC");
        Table root = reader.root(ROOT);
        String version = root.string(ZtocFields.VERSION, "version", "");
        String buildTool = root.string(ZtocFields.BUILD_TOOL_IDENTIFIER, "build_tool_identifier", "");
        long compressedSize = root.int64(ZtocFields.COMPRESSED_ARCHIVE_SIZE, "compressed_archive_size", 0);
        long uncompressedSize = root.int64(ZtocFields.UNCOMPRESSED_ARCHIVE_SIZE, "uncompressed_archive_size", 0);
        Table toc = root.table(ZtocFields.TOC, "toc")
                .orElseThrow(() -> reader.fail(ROOT + ".toc", root.position(), "required table is missing"));
        Table info = root.table(ZtocFields.COMPRESSION_INFO, "compression_info")
                .orElseThrow(() -> reader.fail(ROOT + ".compression_info", root.position(),
                        "required table is missing"));
        CompressionInfo compressionInfo = compressionInfo(reader, info);
        return new Ztoc(version, buildTool, compressedSize, uncompressedSize, files(reader, toc), compressionInfo);
    }

    private static List<FileMetadata> files(FlatBufferReader reader, Table toc) throws InvalidZtocException {
        Vector metadata = toc.vector(TocFields.METADATA, "metadata", 4);
        List<FileMetadata> files = new ArrayList<>(metadata.length());
        for (int i = 0; i < metadata.length(); i++) {
            files.add(fileMetadata(reader, metadata.table(i)));
        }
        return files;
    }

    private static FileMetadata fileMetadata(FlatBufferReader reader, Table t) throws InvalidZtocException {
        String name = t.string(FileMetadataFields.NAME, "name", "");
        String typeName = t.string(FileMetadataFields.TYPE, "type", "");
        EntryType type = EntryType.fromWireName(typeName).orElseThrow(() -> reader.fail(t.path() + ".type",
                t.position(), "unknown entry type \"%s\" of entry \"%s\"".formatted(typeName, name)));
        long offset = t.int64(FileMetadataFields.UNCOMPRESSED_OFFSET, "uncompressed_offset", 0);
        long size = t.int64(FileMetadataFields.UNCOMPRESSED_SIZE, "uncompressed_size", 0);
        if (offset < 0 || size < 0)
            throw reader.fail(t.path(), t.position(), "entry \"%s\" has negative offset %d or size %d"
                    .formatted(name, offset, size));
        String linkname = t.string(FileMetadataFields.LINKNAME, "linkname", "");
        long mode = t.int64(FileMetadataFields.MODE, "mode", 0);
        long uid = t.uint32(FileMetadataFields.UID, "uid");
        long gid = t.uint32(FileMetadataFields.GID, "gid");
        String uname = t.string(FileMetadataFields.UNAME, "uname", "");
        String gname = t.string(FileMetadataFields.GNAME, "gname", "");
        // An absent mod_time reads as Go's zero time, which is what the reference makes of it.
        String modTime = t.string(FileMetadataFields.MOD_TIME, "mod_time", FileMetadata.ZERO_TIME);
        long devmajor = t.int64(FileMetadataFields.DEVMAJOR, "devmajor", 0);
        long devminor = t.int64(FileMetadataFields.DEVMINOR, "devminor", 0);
        Vector xattrVector = t.vector(FileMetadataFields.XATTRS, "xattrs", 4);
        List<Xattr> xattrs = new ArrayList<>(xattrVector.length());
        for (int i = 0; i < xattrVector.length(); i++) {
            Table x = xattrVector.table(i);
            xattrs.add(new Xattr(x.string(XattrFields.KEY, "key", ""), x.bytes(XattrFields.VALUE, "value")));
        }
        return new FileMetadata(name, type, offset, size, linkname, mode, uid, gid, uname, gname, modTime,
                devmajor, devminor, xattrs);
    }

    private static CompressionInfo compressionInfo(FlatBufferReader reader, Table t) throws InvalidZtocException {
        byte wire = t.int8(CompressionInfoFields.COMPRESSION_ALGORITHM, "compression_algorithm",
                CompressionInfoFields.DEFAULT_ALGORITHM);
        CompressionAlgorithm algorithm = CompressionAlgorithm.fromWireValue(wire).orElseThrow(() -> reader.fail(
                t.path() + ".compression_algorithm", t.position(), "unknown compression algorithm " + wire));
        int maxSpanId = t.int32(CompressionInfoFields.MAX_SPAN_ID, "max_span_id", 0);
        Vector digestVector = t.vector(CompressionInfoFields.SPAN_DIGESTS, "span_digests", 4);
        List<String> digests = new ArrayList<>(digestVector.length());
        for (int i = 0; i < digestVector.length(); i++) {
            digests.add(digestVector.string(i));
        }
        // a view of the input, not a copy: see decode's contract
        ByteBuffer checkpoints = t.vector(CompressionInfoFields.CHECKPOINTS, "checkpoints", 1).view();
        return new CompressionInfo(algorithm, maxSpanId, digests, checkpoints);
    }
}
