package dev.soci4j.ztoc.fbs;

import dev.soci4j.ztoc.InvalidZtocException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Reads a FlatBuffers buffer that nobody vouches for. Every offset, vtable, vector length and string
 * bound is checked against the buffer before it is followed, so a hostile buffer ends in an
 * {@link InvalidZtocException} naming the field and byte position, never in an index error.
 *
 * <p>Counts cannot cause large allocations: a vector must fit in the bytes left after it. Sharing
 * cannot either: every table, vector and string read is charged its size against a budget of the
 * buffer's length. The reference writer never shares objects, so its buffers always fit, while a
 * buffer whose 100,000 entries all point at one large string or xattr list fails fast instead of
 * decoding to gigabytes.
 *
 * <p>Not thread-safe (it owns a {@link CharsetDecoder} and the budget); use one per buffer.
 */
final class FlatBufferReader {
    private static final int UOFFSET_BYTES = 4;

    private final byte[] buf;
    private final String bufferName;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder(); // reports malformed input
    private long budget;

    /** @param bufferName what the buffer is, for messages ({@code zTOC}, {@code TarZinfo}) */
    FlatBufferReader(byte[] buf, String bufferName) {
        this.buf = buf;
        this.bufferName = bufferName;
        this.budget = buf.length;
    }

    /** The root table; its path is {@code rootName}. */
    Table root(String rootName) throws InvalidZtocException {
        if (buf.length < UOFFSET_BYTES)
            throw fail(rootName, 0, "buffer is shorter than the 4-byte root offset");
        return table(target(0, rootName), rootName);
    }

    InvalidZtocException fail(String path, long pos, String detail) {
        return new InvalidZtocException("%s %s at byte %d of %d: %s"
                .formatted(bufferName, path, pos, buf.length, detail));
    }

    private void charge(long bytes, String path, int pos) throws InvalidZtocException {
        budget -= bytes;
        if (budget < 0)
            throw fail(path, pos, ("decoded data exceeds the buffer's %d bytes: tables, vectors or strings are"
                    + " shared or overlap, which the reference writer never does").formatted(buf.length));
    }

    private int u16(long pos) {
        int p = (int) pos;
        return (buf[p] & 0xFF) | (buf[p + 1] & 0xFF) << 8;
    }

    private int i32(long pos) {
        int p = (int) pos;
        return (buf[p] & 0xFF) | (buf[p + 1] & 0xFF) << 8 | (buf[p + 2] & 0xFF) << 16 | (buf[p + 3] & 0xFF) << 24;
    }

    private long u32(long pos) {
        return Integer.toUnsignedLong(i32(pos));
    }

    private long i64(long pos) {
        return u32(pos) | u32(pos + 4) << 32;
    }

    /** Follows the unsigned offset stored at {@code pos} (already known to be inside the buffer). */
    private int target(int pos, String path) throws InvalidZtocException {
        if (pos > buf.length - UOFFSET_BYTES)
            throw fail(path, pos, "offset runs past the end of the buffer");
        long t = pos + u32(pos);
        if (t >= buf.length)
            throw fail(path, pos, "offset %d points to byte %d, outside the buffer".formatted(u32(pos), t));
        return (int) t;
    }

    private Table table(int pos, String path) throws InvalidZtocException {
        if (pos % 4 != 0) throw fail(path, pos, "table is not 4-byte aligned");
        if (pos > buf.length - 4) throw fail(path, pos, "table header runs past the end of the buffer");
        long vtable = (long) pos - i32(pos);
        if (vtable < 0 || vtable > buf.length - 4)
            throw fail(path, pos, "vtable at %d is outside the buffer".formatted(vtable));
        if (vtable % 2 != 0) throw fail(path, pos, "vtable at %d is not 2-byte aligned".formatted(vtable));
        int vtableSize = u16(vtable);
        int inlineSize = u16(vtable + 2);
        if (vtableSize < 4 || vtableSize % 2 != 0)
            throw fail(path, pos, "vtable at %d has a bad size of %d bytes".formatted(vtable, vtableSize));
        if (vtable + vtableSize > buf.length)
            throw fail(path, pos, "vtable at %d of %d bytes runs past the end of the buffer"
                    .formatted(vtable, vtableSize));
        if (inlineSize < 4)
            throw fail(path, pos, "table size %d is smaller than its 4-byte header".formatted(inlineSize));
        if ((long) pos + inlineSize > buf.length)
            throw fail(path, pos, "table of %d bytes runs past the end of the buffer".formatted(inlineSize));
        charge(inlineSize, path, pos);
        return new Table(path, pos, (int) vtable, vtableSize, inlineSize);
    }

    /** The length-prefixed object at {@code pos}: its element count, checked to fit in the buffer. */
    private int lengthPrefixed(int pos, int elementSize, int trailer, String kind, String path)
            throws InvalidZtocException {
        if (pos % 4 != 0) throw fail(path, pos, kind + " is not 4-byte aligned");
        if (pos > buf.length - 4) throw fail(path, pos, kind + " length runs past the end of the buffer");
        long count = u32(pos);
        long remaining = (long) buf.length - pos - 4 - trailer;
        if (count * elementSize > remaining)
            throw fail(path, pos, "%s claims %d elements of %d bytes but only %d bytes remain"
                    .formatted(kind, count, elementSize, Math.max(remaining, 0)));
        charge(4 + count * elementSize, path, pos);
        return (int) count;
    }

    private byte[] stringBytes(int pos, String path) throws InvalidZtocException {
        int length = lengthPrefixed(pos, 1, 1, "string", path);
        int start = pos + 4;
        if (buf[start + length] != 0)
            throw fail(path, pos, "string of %d bytes is not NUL-terminated".formatted(length));
        byte[] bytes = new byte[length];
        System.arraycopy(buf, start, bytes, 0, length);
        return bytes;
    }

    private String utf8(byte[] bytes, int pos, String path) throws InvalidZtocException {
        try {
            return utf8.decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw fail(path, pos, "string of %d bytes is not valid UTF-8".formatted(bytes.length));
        }
    }

    /** One table of the buffer, its vtable already checked to lie inside the buffer. */
    final class Table {
        private final String path;
        private final int pos;
        private final int vtable;
        private final int vtableSize;
        private final int inlineSize;

        private Table(String path, int pos, int vtable, int vtableSize, int inlineSize) {
            this.path = path;
            this.pos = pos;
            this.vtable = vtable;
            this.vtableSize = vtableSize;
            this.inlineSize = inlineSize;
        }

        String path() {
            return path;
        }

        int position() {
            return pos;
        }

        /** Position of field {@code slot}, or -1 when the vtable says it is absent (its default). */
        private int field(int slot, int width, String name) throws InvalidZtocException {
            int entry = 4 + 2 * slot;
            if (entry + 2 > vtableSize) return -1;
            int offset = u16(vtable + entry);
            if (offset == 0) return -1;
            if (offset < 4 || offset + width > inlineSize)
                throw fail(path + "." + name, pos, "field of %d bytes at table offset %d lies outside the %d-byte table"
                        .formatted(width, offset, inlineSize));
            return pos + offset;
        }

        long int64(int slot, String name, long absent) throws InvalidZtocException {
            int p = field(slot, 8, name);
            return p < 0 ? absent : i64(p);
        }

        int int32(int slot, String name, int absent) throws InvalidZtocException {
            int p = field(slot, 4, name);
            return p < 0 ? absent : i32(p);
        }

        long uint32(int slot, String name) throws InvalidZtocException {
            int p = field(slot, 4, name);
            return p < 0 ? 0 : u32(p);
        }

        byte int8(int slot, String name, byte absent) throws InvalidZtocException {
            int p = field(slot, 1, name);
            return p < 0 ? absent : buf[p];
        }

        Optional<Table> table(int slot, String name) throws InvalidZtocException {
            int p = field(slot, UOFFSET_BYTES, name);
            if (p < 0) return Optional.empty();
            String childPath = path + "." + name;
            return Optional.of(FlatBufferReader.this.table(target(p, childPath), childPath));
        }

        /** The raw bytes of a string field; empty when absent, as the Go accessors answer. */
        byte[] bytes(int slot, String name) throws InvalidZtocException {
            int p = field(slot, UOFFSET_BYTES, name);
            if (p < 0) return new byte[0];
            String childPath = path + "." + name;
            return stringBytes(target(p, childPath), childPath);
        }

        /** A string field decoded as strict UTF-8; {@code absent} when the field is absent. */
        String string(int slot, String name, String absent) throws InvalidZtocException {
            int p = field(slot, UOFFSET_BYTES, name);
            if (p < 0) return absent;
            String childPath = path + "." + name;
            int s = target(p, childPath);
            return utf8(stringBytes(s, childPath), s, childPath);
        }

        /** A vector field of {@code elementSize}-byte elements; empty when absent. */
        Vector vector(int slot, String name, int elementSize) throws InvalidZtocException {
            int p = field(slot, UOFFSET_BYTES, name);
            String childPath = path + "." + name;
            if (p < 0) return new Vector(childPath, 0, 0, elementSize);
            int v = target(p, childPath);
            int length = lengthPrefixed(v, elementSize, 0, "vector", childPath);
            return new Vector(childPath, v + 4, length, elementSize);
        }
    }

    /** A vector whose elements are known to lie inside the buffer. */
    final class Vector {
        private final String path;
        private final int start;
        private final int length;
        private final int elementSize;

        private Vector(String path, int start, int length, int elementSize) {
            this.path = path;
            this.start = start;
            this.length = length;
            this.elementSize = elementSize;
        }

        int length() {
            return length;
        }

        Table table(int i) throws InvalidZtocException {
            String elementPath = path + "[" + i + "]";
            return FlatBufferReader.this.table(target(start + i * elementSize, elementPath), elementPath);
        }

        String string(int i) throws InvalidZtocException {
            String elementPath = path + "[" + i + "]";
            int s = target(start + i * elementSize, elementPath);
            return utf8(stringBytes(s, elementPath), s, elementPath);
        }

        /** The elements' bytes as a read-only view of the buffer: no copy. */
        ByteBuffer view() {
            return ByteBuffer.wrap(buf, start, length * elementSize).slice().asReadOnlyBuffer();
        }
    }
}
