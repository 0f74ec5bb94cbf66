package dev.soci4j.ztoc.fbs;

import static dev.soci4j.ztoc.fbs.FbsLocator.child;
import static dev.soci4j.ztoc.fbs.FbsLocator.field;
import static dev.soci4j.ztoc.fbs.FbsLocator.firstEntry;
import static dev.soci4j.ztoc.fbs.FbsLocator.putI32;
import static dev.soci4j.ztoc.fbs.FbsLocator.putI64;
import static dev.soci4j.ztoc.fbs.FbsLocator.root;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.soci4j.ztoc.CompressionAlgorithm;
import dev.soci4j.ztoc.EntryType;
import dev.soci4j.ztoc.FileMetadata;
import dev.soci4j.ztoc.InvalidZtocException;
import dev.soci4j.ztoc.Ztoc;
import dev.soci4j.ztoc.fbs.ZtocSchema.CompressionInfoFields;
import dev.soci4j.ztoc.fbs.ZtocSchema.FileMetadataFields;
import dev.soci4j.ztoc.fbs.ZtocSchema.TocFields;
import dev.soci4j.ztoc.fbs.ZtocSchema.ZtocFields;
import dev.soci4j.ztoc.testing.ZtocSamples;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ZtocDecoderTest {
    private static byte[] small() {
        return ZtocEncoder.encode(ZtocSamples.smallTar());
    }

    @Test
    void decodesWhatItEncoded() throws Exception {
        assertThat(ZtocDecoder.decode(small())).isEqualTo(ZtocSamples.smallTar());
    }

    @Test
    void rejectsEveryTruncation() {
        byte[] bytes = small();
        for (int length = 0; length < bytes.length; length++) {
            byte[] truncated = Arrays.copyOf(bytes, length);
            assertThatThrownBy(() -> ZtocDecoder.decode(truncated))
                    .as("truncated to %d of %d bytes", length, bytes.length)
                    .isInstanceOf(InvalidZtocException.class);
        }
    }

    @Test
    @Timeout(5)
    void rejectsAHundredByteBufferClaimingBillionsOfEntriesWithoutAllocating() {
        FlatBufferBuilder b = new FlatBufferBuilder(0);
        b.startVector(4, 0, 4);
        int metadata = b.endVector();
        b.startTable(TocFields.COUNT);
        b.addOffset(TocFields.METADATA, metadata, 0);
        int toc = b.endTable();
        b.startTable(CompressionInfoFields.COUNT);
        int info = b.endTable();
        b.startTable(ZtocFields.COUNT);
        b.addOffset(ZtocFields.TOC, toc, 0);
        b.addOffset(ZtocFields.COMPRESSION_INFO, info, 0);
        b.finish(b.endTable());
        byte[] bytes = b.sizedByteArray();
        assertThat(bytes.length).isLessThan(100);
        int vector = child(bytes, child(bytes, root(bytes), ZtocFields.TOC), TocFields.METADATA);
        putI32(bytes, vector, Integer.MIN_VALUE); // 2^31 as the unsigned count

        assertThatThrownBy(() -> ZtocDecoder.decode(bytes)).isInstanceOf(InvalidZtocException.class)
                .hasMessageContaining("ztoc.toc.metadata")
                .hasMessageContaining("claims 2147483648 elements");
    }

    @Test
    void rejectsAStringLongerThanTheBuffer() {
        byte[] bytes = small();
        int name = child(bytes, firstEntry(bytes), FileMetadataFields.NAME);
        putI32(bytes, name, -1);
        assertThatThrownBy(() -> ZtocDecoder.decode(bytes)).isInstanceOf(InvalidZtocException.class)
                .hasMessageContaining("ztoc.toc.metadata[0].name")
                .hasMessageContaining("claims 4294967295 elements");
    }

    @Test
    void rejectsARootOffsetOutsideTheBuffer() {
        byte[] bytes = small();
        putI32(bytes, 0, bytes.length + 4);
        assertThatThrownBy(() -> ZtocDecoder.decode(bytes)).isInstanceOf(InvalidZtocException.class)
                .hasMessageContaining("outside the buffer");
    }

    @Test
    void rejectsAChildOffsetOutsideTheBuffer() {
        byte[] bytes = small();
        int tocField = field(bytes, root(bytes), ZtocFields.TOC);
        putI32(bytes, tocField, 0x7fff_0000);
        assertThatThrownBy(() -> ZtocDecoder.decode(bytes)).isInstanceOf(InvalidZtocException.class)
                .hasMessageContaining("ztoc.toc").hasMessageContaining("outside the buffer");
    }

    @Test
    void rejectsAVtableOutsideTheBuffer() {
        byte[] bytes = small();
        putI32(bytes, root(bytes), -bytes.length);
        assertThatThrownBy(() -> ZtocDecoder.decode(bytes)).isInstanceOf(InvalidZtocException.class)
                .hasMessageContaining("vtable").hasMessageContaining("outside the buffer");
    }

    @Test
    void rejectsAFieldOutsideItsTable() {
        byte[] bytes = small();
        int root = root(bytes);
        int vtable = root - FbsLocator.i32(bytes, root);
        int versionEntry = vtable + 4 + 2 * ZtocFields.VERSION;
        bytes[versionEntry] = (byte) 0xfc; // offset 252 in a table of a few dozen bytes
        assertThatThrownBy(() -> ZtocDecoder.decode(bytes)).isInstanceOf(InvalidZtocException.class)
                .hasMessageContaining("ztoc.version").hasMessageContaining("lies outside");
    }

    @Test
    void rejectsMissingToc() {
        assertThatThrownBy(() -> ZtocDecoder.decode(rootWith(false, true))).isInstanceOf(InvalidZtocException.class)
                .hasMessageContaining("ztoc.toc").hasMessageContaining("required table is missing");
    }

    @Test
    void rejectsMissingCompressionInfo() {
        assertThatThrownBy(() -> ZtocDecoder.decode(rootWith(true, false))).isInstanceOf(InvalidZtocException.class)
                .hasMessageContaining("ztoc.compression_info").hasMessageContaining("required table is missing");
    }

    @Test
    void readsAbsentFieldsAsTheirDefaults() throws Exception {
        Ztoc ztoc = ZtocDecoder.decode(rootWith(true, true));
        assertThat(ztoc.version()).isEmpty();
        assertThat(ztoc.buildToolIdentifier()).isEmpty();
        assertThat(ztoc.files()).isEmpty();
        assertThat(ztoc.compressionInfo().algorithm()).isEqualTo(CompressionAlgorithm.GZIP);
        assertThat(ztoc.compressionInfo().checkpointsLength()).isZero();
        assertThat(ztoc.compressionInfo().spanDigests()).isEmpty();
    }

    @Test
    void rejectsAnUnknownEntryType() {
        byte[] bytes = small(); // first entry is "dir"
        int type = child(bytes, firstEntry(bytes), FileMetadataFields.TYPE);
        System.arraycopy("xyz".getBytes(StandardCharsets.US_ASCII), 0, bytes, type + 4, 3);
        assertThatThrownBy(() -> ZtocDecoder.decode(bytes)).isInstanceOf(InvalidZtocException.class)
                .hasMessageContaining("ztoc.toc.metadata[0].type").hasMessageContaining("unknown entry type \"xyz\"");
    }

    @Test
    void rejectsAnUnknownCompressionAlgorithm() {
        byte[] bytes = small(); // uncompressed: the algorithm field is present
        int info = child(bytes, root(bytes), ZtocFields.COMPRESSION_INFO);
        bytes[field(bytes, info, CompressionInfoFields.COMPRESSION_ALGORITHM)] = 3;
        assertThatThrownBy(() -> ZtocDecoder.decode(bytes)).isInstanceOf(InvalidZtocException.class)
                .hasMessageContaining("compression_algorithm").hasMessageContaining("unknown compression algorithm 3");
    }

    @Test
    void rejectsANameThatIsNotUtf8() {
        byte[] bytes = small();
        int name = child(bytes, firstEntry(bytes), FileMetadataFields.NAME);
        bytes[name + 4] = (byte) 0xff;
        assertThatThrownBy(() -> ZtocDecoder.decode(bytes)).isInstanceOf(InvalidZtocException.class)
                .hasMessageContaining("ztoc.toc.metadata[0].name").hasMessageContaining("not valid UTF-8");
    }

    @Test
    void rejectsAStringWithoutItsTerminator() {
        byte[] bytes = small();
        int name = child(bytes, firstEntry(bytes), FileMetadataFields.NAME);
        bytes[name + 4 + FbsLocator.i32(bytes, name)] = 'x';
        assertThatThrownBy(() -> ZtocDecoder.decode(bytes)).isInstanceOf(InvalidZtocException.class)
                .hasMessageContaining("not NUL-terminated");
    }

    @Test
    void rejectsANegativeEntryOffset() {
        byte[] bytes = small();
        putI64(bytes, field(bytes, firstEntry(bytes), FileMetadataFields.UNCOMPRESSED_OFFSET), -512);
        assertThatThrownBy(() -> ZtocDecoder.decode(bytes)).isInstanceOf(InvalidZtocException.class)
                .hasMessageContaining("entry \"etc/\" has negative offset -512");
    }

    @Test
    void readsUidAndGidAsUnsigned() throws Exception {
        Ztoc small = ZtocSamples.smallTar();
        FileMetadata f = new FileMetadata("n", EntryType.REG, 512, 0, "", 0, 0xFFFF_FFFEL, 0x8000_0000L, "", "",
                FileMetadata.ZERO_TIME, 0, 0, List.of());
        Ztoc ztoc = new Ztoc(small.version(), small.buildToolIdentifier(), small.compressedArchiveSize(),
                small.uncompressedArchiveSize(), List.of(f), small.compressionInfo());
        FileMetadata decoded = ZtocDecoder.decode(ZtocEncoder.encode(ztoc)).files().getFirst();
        assertThat(decoded.uid()).isEqualTo(0xFFFF_FFFEL);
        assertThat(decoded.gid()).isEqualTo(0x8000_0000L);
    }

    /** 10,000 entries all pointing at one table holding a 10,000-byte name would decode to 100 MB. */
    @Test
    @Timeout(5)
    void rejectsEntriesSharingOneTable() {
        FlatBufferBuilder b = new FlatBufferBuilder(0);
        int name = b.createString("n".repeat(10_000));
        int type = b.createString("reg");
        b.startTable(FileMetadataFields.COUNT);
        b.addOffset(FileMetadataFields.NAME, name, 0);
        b.addOffset(FileMetadataFields.TYPE, type, 0);
        int entry = b.endTable();
        int[] entries = new int[10_000];
        Arrays.fill(entries, entry);
        int metadata = b.createVectorOfTables(entries);
        b.startTable(TocFields.COUNT);
        b.addOffset(TocFields.METADATA, metadata, 0);
        int toc = b.endTable();
        b.startTable(CompressionInfoFields.COUNT);
        int info = b.endTable();
        b.startTable(ZtocFields.COUNT);
        b.addOffset(ZtocFields.TOC, toc, 0);
        b.addOffset(ZtocFields.COMPRESSION_INFO, info, 0);
        b.finish(b.endTable());
        byte[] bytes = b.sizedByteArray();

        assertThatThrownBy(() -> ZtocDecoder.decode(bytes)).isInstanceOf(InvalidZtocException.class)
                .hasMessageContaining("shared or overlap");
    }

    private static byte[] rootWith(boolean toc, boolean compressionInfo) {
        FlatBufferBuilder b = new FlatBufferBuilder(0);
        b.startTable(TocFields.COUNT);
        int tocTable = b.endTable();
        b.startTable(CompressionInfoFields.COUNT);
        int infoTable = b.endTable();
        b.startTable(ZtocFields.COUNT);
        if (toc) b.addOffset(ZtocFields.TOC, tocTable, 0);
        if (compressionInfo) b.addOffset(ZtocFields.COMPRESSION_INFO, infoTable, 0);
        b.finish(b.endTable());
        return b.sizedByteArray();
    }
}
