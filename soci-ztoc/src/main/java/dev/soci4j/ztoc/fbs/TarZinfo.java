package dev.soci4j.ztoc.fbs;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.soci4j.ztoc.InvalidZtocException;
import dev.soci4j.ztoc.fbs.FlatBufferReader.Table;
import dev.soci4j.ztoc.fbs.ZtocSchema.TarZinfoFields;

/**
 * The checkpoints of an uncompressed tar layer ({@code soci-format.md §3}): a second FlatBuffers
 * buffer, root table {@code zinfo.TarZinfo}, stored in the zTOC's {@code checkpoints} bytes. Spans are
 * fixed: span i is {@code [i * spanSizeBytes, min((i + 1) * spanSizeBytes, sizeBytes))}.
 *
 * <p>A plain value: decoding checks the buffer's structure only; {@link dev.soci4j.ztoc.ZtocValidator}
 * checks the numbers against the zTOC.
 *
 * @param version       {@link #VERSION} when written by the reference
 * @param spanSizeBytes the span size the layer was indexed with
 * @param sizeBytes     the tar blob's size in bytes
 */
public record TarZinfo(int version, long spanSizeBytes, long sizeBytes) {
    /** The version the reference writes ({@code zinfoVersion}, shared with the gzip blob). */
    public static final int VERSION = 2;

    /** The zinfo for a tar blob of {@code sizeBytes} indexed at {@code spanSizeBytes}. */
    public static TarZinfo of(long spanSizeBytes, long sizeBytes) {
        return new TarZinfo(VERSION, spanSizeBytes, sizeBytes);
    }

    /** The bytes the reference writes: fields added in schema order, zero values left out. */
    public byte[] encode() {
        FlatBufferBuilder b = new FlatBufferBuilder(0);
        b.startTable(TarZinfoFields.COUNT);
        b.addInt(TarZinfoFields.VERSION, version, 0);
        b.addLong(TarZinfoFields.SPAN_SIZE, spanSizeBytes, 0);
        b.addLong(TarZinfoFields.SIZE, sizeBytes, 0);
        b.finish(b.endTable());
        return b.sizedByteArray();
    }

    /** Parses a {@code TarZinfo} buffer; absent fields are zero, as the reference reads them. */
    public static TarZinfo decode(byte[] bytes) throws InvalidZtocException {
        Table t = new FlatBufferReader(bytes, "TarZinfo checkpoints").root("zinfo");
        return new TarZinfo(t.int32(TarZinfoFields.VERSION, "version", 0),
                t.int64(TarZinfoFields.SPAN_SIZE, "span_size", 0),
                t.int64(TarZinfoFields.SIZE, "size", 0));
    }

    /**
     * The highest span id of this layout, computed as the reference does ({@code size / span}, minus
     * one when it divides evenly): -1 for an empty blob. Requires {@code spanSizeBytes > 0}.
     */
    public long maxSpanId() {
        if (spanSizeBytes <= 0)
            throw new IllegalStateException("span size %d is not positive".formatted(spanSizeBytes));
        long id = sizeBytes / spanSizeBytes;
        return sizeBytes % spanSizeBytes == 0 ? id - 1 : id;
    }
}
