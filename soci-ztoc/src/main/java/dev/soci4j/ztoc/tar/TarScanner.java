package dev.soci4j.ztoc.tar;

import dev.soci4j.ztoc.EntryType;
import dev.soci4j.ztoc.FileMetadata;
import dev.soci4j.ztoc.InvalidLayerException;
import dev.soci4j.ztoc.UnsupportedLayerException;
import dev.soci4j.ztoc.Xattr;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a zTOC's table of contents ({@code soci-format.md §1}, "TOC entries") from an uncompressed
 * tar stream pushed in chunks of any size, in the same pass as decompression.
 *
 * <p>The entries are exactly what the reference (soci's {@code toc_builder.go} over Go's
 * {@code archive/tar}) records: offset = stream position just after an entry's header, size = the
 * size field after PAX override, all PAX records as xattrs, archive size = position after the end
 * marker. Memory is constant apart from the entry list: only header blocks and extension data
 * (capped at 1 MiB, like Go) are buffered; file data is skipped by counting.
 *
 * <p>Not thread safe; one scanner per stream. After a failure or {@link #finish()} it accepts no
 * more input.
 */
public final class TarScanner {
    /** Go's {@code maxSpecialFileSize}: larger PAX or GNU long-name data is refused. */
    static final int MAX_EXTENSION_BYTES = 1 << 20;
    private static final int BLOCK = TarHeader.BLOCK_SIZE;

    /** What the next input bytes are. */
    private enum State {
        /** a header block (or the first end-of-archive zero block) */
        HEADER,
        /** the block after a zero block: zero ends the archive, anything else is corrupt */
        AFTER_ZERO_BLOCK,
        /** the data of a PAX or GNU long-name/link header, collected in {@link #extensionData} */
        EXTENSION_DATA,
        /** entry data and padding, skipped by counting */
        SKIP,
        /** after the end marker: input ignored */
        END,
        /** failed or finished: no more input */
        CLOSED
    }

    private static final int MAX_SHARED_STRINGS = 4096;

    private final List<FileMetadata> entries = new ArrayList<>();
    private final Map<String, String> sharedStrings = new HashMap<>();
    private final byte[] block = new byte[BLOCK];
    private State state = State.HEADER;
    private int blockFill;
    /** Bytes consumed so far; input after the end marker is not counted. */
    private long position;
    private long archiveSize = -1;

    /** Bytes still to skip in {@link State#SKIP}; the part above {@link #skipPadding} is data. */
    private long skipRemaining;
    private long skipPadding;
    /** What is being skipped or collected, for messages: "entry etc/conf" or "PAX header ...". */
    private String currentSubject = "no entry";

    private byte[] extensionData;
    private int extensionFill;
    private byte extensionType;

    /** Extension headers waiting for the next real header (Go keeps these per {@code Next()} call). */
    private PaxRecords pendingPax;
    private String pendingLongName = "";
    private String pendingLongLink = "";

    public TarScanner() {
    }

    /**
     * Consumes {@code uncompressed} (all of its remaining bytes; its position is advanced). The buffer
     * is read during the call only and never kept.
     *
     * @throws InvalidLayerException     on a corrupt header, PAX record or end marker (the message
     *                                   names entry and offset)
     * @throws UnsupportedLayerException on an entry type the zTOC cannot hold (GNU sparse, ...)
     * @throws IllegalStateException     after {@link #finish()} or a previous failure
     */
    public void feed(ByteBuffer uncompressed) throws InvalidLayerException, UnsupportedLayerException {
        if (state == State.CLOSED) throw new IllegalStateException("tar scanner is finished or has failed");
        try {
            while (uncompressed.hasRemaining()) {
                switch (state) {
                    case SKIP -> skip(uncompressed);
                    case HEADER, AFTER_ZERO_BLOCK -> fillBlock(uncompressed);
                    case EXTENSION_DATA -> collectExtension(uncompressed);
                    case END -> uncompressed.position(uncompressed.limit());
                    case CLOSED -> throw new AssertionError("closed scanner fed");
                }
            }
        } catch (InvalidLayerException | UnsupportedLayerException | RuntimeException e) {
            state = State.CLOSED;
            throw e;
        }
    }

    /**
     * Ends the stream and returns the entries.
     *
     * @throws InvalidLayerException when the stream ended inside a header, extension data, file data
     *                               or padding, or inside the block after an end-of-archive zero block
     * @throws IllegalStateException after a previous {@code finish()} or failure
     */
    public TarScan finish() throws InvalidLayerException {
        State at = state;
        if (at == State.CLOSED) throw new IllegalStateException("tar scanner is finished or has failed");
        state = State.CLOSED;
        switch (at) {
            // Go returns io.EOF for a stream ending at a header boundary, and also after a single zero
            // block; pending extension headers then are dropped, as in Go.
            case HEADER, AFTER_ZERO_BLOCK -> {
                if (blockFill != 0)
                    throw new InvalidLayerException("tar ends inside the header block at offset %d (%d of 512 bytes), after %s"
                            .formatted(position - blockFill, blockFill, currentSubject));
                archiveSize = position;
            }
            case EXTENSION_DATA -> throw new InvalidLayerException(
                    "tar ends inside %s at offset %d (%d of its %d data bytes)"
                            .formatted(currentSubject, position, extensionFill, extensionData.length));
            case SKIP -> throw new InvalidLayerException("tar ends inside %s at offset %d (in its %s, %d bytes missing)"
                    .formatted(currentSubject, position, skipRemaining > skipPadding ? "data" : "padding",
                            skipRemaining));
            case END -> { }
            case CLOSED -> throw new AssertionError("unreachable");
        }
        return new TarScan(entries, archiveSize);
    }

    /**
     * True when {@code firstBytes} starts with a 512-byte block whose header checksum is valid, i.e.
     * the stream looks like a tar (an archive holding only the end marker does not).
     */
    public static boolean looksLikeTar(byte[] firstBytes) {
        return firstBytes.length >= BLOCK && TarHeader.checksumMatches(firstBytes);
    }

    // The data path: no copy, only counting.
    private void skip(ByteBuffer in) {
        int n = (int) Math.min(skipRemaining, in.remaining());
        in.position(in.position() + n);
        position += n;
        skipRemaining -= n;
        if (skipRemaining == 0) state = State.HEADER;
    }

    private void fillBlock(ByteBuffer in) throws InvalidLayerException, UnsupportedLayerException {
        int n = Math.min(BLOCK - blockFill, in.remaining());
        in.get(block, blockFill, n);
        blockFill += n;
        position += n;
        if (blockFill < BLOCK) return;
        blockFill = 0;
        long blockOffset = position - BLOCK;
        boolean zero = TarHeader.isZeroBlock(block);
        if (state == State.AFTER_ZERO_BLOCK) {
            if (!zero)
                throw new InvalidLayerException(
                        "tar has a non-zero block at offset %d after the end-of-archive zero block at offset %d"
                                .formatted(blockOffset, blockOffset - BLOCK));
            state = State.END;
            archiveSize = position;
        } else if (zero) {
            state = State.AFTER_ZERO_BLOCK;
        } else {
            onHeader(TarHeader.parse(block, blockOffset), blockOffset);
        }
    }

    private void onHeader(TarHeader h, long headerOffset) throws InvalidLayerException, UnsupportedLayerException {
        byte type = h.typeflag();
        // Go checks the raw size before anything else; header-only types may carry any size.
        if (h.size() < 0 && !isHeaderOnly(type))
            throw invalid(h, headerOffset, "negative size %d".formatted(h.size()));
        switch (type) {
            case 'x', 'g', 'L', 'K' -> startExtension(h, headerOffset);
            default -> addEntry(h, headerOffset);
        }
    }

    private void startExtension(TarHeader h, long headerOffset) throws InvalidLayerException {
        extensionType = h.typeflag();
        currentSubject = "%s header at offset %d".formatted(extensionName(extensionType), headerOffset);
        if (h.size() > MAX_EXTENSION_BYTES)
            throw new InvalidLayerException("%s has %d bytes of data, more than the %d allowed"
                    .formatted(currentSubject, h.size(), MAX_EXTENSION_BYTES));
        extensionData = new byte[(int) h.size()];
        extensionFill = 0;
        state = State.EXTENSION_DATA;
        if (extensionData.length == 0) endExtension();
    }

    private void collectExtension(ByteBuffer in) throws InvalidLayerException {
        int n = Math.min(extensionData.length - extensionFill, in.remaining());
        in.get(extensionData, extensionFill, n);
        extensionFill += n;
        position += n;
        if (extensionFill == extensionData.length) endExtension();
    }

    private void endExtension() throws InvalidLayerException {
        byte[] data = extensionData;
        extensionData = null;
        switch (extensionType) {
            case 'x' -> pendingPax = parsePax(data);
            case 'g' -> {
                // Go returns a global header from Next() as an entry of its own, which ends the
                // extension headers collected so far. It applies to no entry (soci-format.md §1),
                // but a value Go rejects still fails the layer.
                PaxRecords global = parsePax(data);
                try {
                    global.applyTo(new EntryFields(new TarHeader(new byte[0], new byte[0], (byte) 'g', 0, 0, 0, 0, 0,
                            new byte[0], new byte[0], 0, 0)));
                } catch (IllegalArgumentException e) {
                    throw new InvalidLayerException("%s: %s".formatted(currentSubject, e.getMessage()));
                }
                clearPending();
            }
            case 'L' -> pendingLongName = new String(TarHeader.cString(data, 0, data.length), StandardCharsets.UTF_8);
            case 'K' -> pendingLongLink = new String(TarHeader.cString(data, 0, data.length), StandardCharsets.UTF_8);
            default -> throw new AssertionError("not an extension type: " + extensionType);
        }
        startSkip(padding(data.length), 0);
    }

    private PaxRecords parsePax(byte[] data) throws InvalidLayerException {
        try {
            return PaxRecords.parse(data);
        } catch (IllegalArgumentException e) {
            throw new InvalidLayerException("%s: malformed PAX data: %s".formatted(currentSubject, e.getMessage()));
        }
    }

    private void addEntry(TarHeader h, long headerOffset) throws InvalidLayerException, UnsupportedLayerException {
        EntryFields f = new EntryFields(h);
        List<Xattr> xattrs = List.of();
        if (pendingPax != null) {
            try {
                pendingPax.applyTo(f);
            } catch (IllegalArgumentException e) {
                throw new InvalidLayerException("entry %s (header at offset %d): %s"
                        .formatted(f.name, headerOffset, e.getMessage()));
            }
            xattrs = pendingPax.toXattrs();
        }
        if (!pendingLongName.isEmpty()) f.name = pendingLongName;
        if (!pendingLongLink.isEmpty()) f.linkname = pendingLongLink;
        boolean sparse = pendingPax != null && pendingPax.hasGnuSparse();
        clearPending();

        byte type = h.typeflag();
        if (type == 0) type = f.name.endsWith("/") ? (byte) '5' : (byte) '0'; // pre-POSIX regular file
        long dataBytes = isHeaderOnly(type) ? 0 : f.size;
        if (f.size < 0)
            throw new InvalidLayerException("entry %s (header at offset %d) has negative size %d"
                    .formatted(f.name, headerOffset, f.size));
        if (dataBytes > Long.MAX_VALUE - BLOCK) // no stream is that long; also keeps the skip count from overflowing
            throw new InvalidLayerException("entry %s (header at offset %d) has size %d, beyond any tar stream"
                    .formatted(f.name, headerOffset, f.size));
        if (sparse || type == 'S')
            throw new UnsupportedLayerException("entry %s (header at offset %d) is a GNU sparse file, which a zTOC cannot index"
                    .formatted(f.name, headerOffset));
        EntryType entryType = switch (type) {
            case '0' -> EntryType.REG;
            case '1' -> EntryType.HARDLINK;
            case '2' -> EntryType.SYMLINK;
            case '3' -> EntryType.CHAR;
            case '4' -> EntryType.BLOCK;
            case '5' -> EntryType.DIR;
            case '6' -> EntryType.FIFO;
            default -> throw new UnsupportedLayerException("entry %s (header at offset %d) has tar type '%s', which a zTOC cannot index"
                    .formatted(f.name, headerOffset, typeText(type)));
        };
        entries.add(new FileMetadata(f.name, entryType, position, f.size, shared(f.linkname), h.mode(),
                f.uid & 0xFFFF_FFFFL, f.gid & 0xFFFF_FFFFL, shared(f.uname), shared(f.gname), shared(f.mtime.rfc3339Nano()),
                h.devmajor(), h.devminor(), xattrs));
        currentSubject = "entry " + f.name;
        startSkip(dataBytes + padding(dataBytes), padding(dataBytes));
    }

    /**
     * One instance per distinct value of the fields entries mostly share (owner names, mtimes, empty
     * link names): a layer's entries stay the bulk of the heap a build holds, and a new string per
     * field per entry would grow it by ~10 MB per 60,000 files. Bounded, so a layer of all-distinct
     * values costs what it did before plus a constant.
     */
    private String shared(String value) {
        String known = sharedStrings.get(value);
        if (known != null) return known;
        if (sharedStrings.size() < MAX_SHARED_STRINGS) sharedStrings.put(value, value);
        return value;
    }

    private void startSkip(long bytes, long paddingBytes) {
        skipRemaining = bytes;
        skipPadding = paddingBytes;
        state = bytes == 0 ? State.HEADER : State.SKIP;
    }

    private void clearPending() {
        pendingPax = null;
        pendingLongName = "";
        pendingLongLink = "";
    }

    /** Go's {@code isHeaderOnlyType}: their data is never read, whatever the size field says. */
    private static boolean isHeaderOnly(byte type) {
        return type >= '1' && type <= '6';
    }

    private static long padding(long size) {
        return -size & (BLOCK - 1);
    }

    private static String extensionName(byte type) {
        return switch (type) {
            case 'x' -> "PAX";
            case 'g' -> "PAX global";
            case 'L' -> "GNU long name";
            case 'K' -> "GNU long link";
            default -> typeText(type);
        };
    }

    private static String typeText(byte type) {
        return type >= 0x21 && type < 0x7F ? String.valueOf((char) type) : "\\x%02x".formatted(type & 0xFF);
    }

    private static InvalidLayerException invalid(TarHeader h, long headerOffset, String problem) {
        return new InvalidLayerException("entry %s (header at offset %d): %s"
                .formatted(new String(h.name(), StandardCharsets.UTF_8), headerOffset, problem));
    }
}
