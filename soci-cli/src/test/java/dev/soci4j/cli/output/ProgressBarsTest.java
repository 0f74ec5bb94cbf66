package dev.soci4j.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci4j.index.LayerOutcome;
import dev.soci4j.oci.Descriptor;
import dev.soci4j.oci.MediaTypes;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressBarsTest {
    private static final Descriptor A = Descriptor.of(MediaTypes.OCI_LAYER_GZIP, new byte[] {1});
    private static final Descriptor B = Descriptor.of(MediaTypes.OCI_LAYER_GZIP, new byte[] {2});

    @Test
    void oneBarPerLayerBeingReadOnOneRedrawnLine() {
        StringWriter text = new StringWriter();
        ProgressBars bars = new ProgressBars(new PrintWriter(text), 200);
        bars.layerStarted("img", A, 2048);
        bars.layerStarted("img", B, 4096);
        bars.bytesRead(A, 1024, 2048);
        assertThat(bars.line()).isEqualTo(A.digest().hex().substring(0, 8) + " [##########..........]  50% 1.0 KiB/2.0 KiB  "
                + B.digest().hex().substring(0, 8) + " [....................]   0% 0 B/4.0 KiB");
        bars.layerFinished("img", new LayerOutcome.Skipped(A, LayerOutcome.SkipReason.ZSTD));
        assertThat(bars.line()).startsWith(B.digest().hex().substring(0, 8)).doesNotContain(A.digest().hex().substring(0, 8));
        bars.close();
        assertThat(text.toString()).doesNotContain("\n").startsWith("\r").endsWith("\r");
    }

    @Test
    void lineIsCutToTheTerminalWidth() {
        ProgressBars bars = new ProgressBars(new PrintWriter(new StringWriter()), 30);
        bars.layerStarted("img", A, 1 << 20);
        bars.layerStarted("img", B, 1 << 20);
        assertThat(bars.line().codePointCount(0, bars.line().length())).isLessThanOrEqualTo(30);
    }
}
