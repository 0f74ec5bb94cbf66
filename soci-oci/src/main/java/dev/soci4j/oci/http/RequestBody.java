package dev.soci4j.oci.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A request body that can be sent again, so a retry resends the same bytes. */
public sealed interface RequestBody {
    long length();

    BodyPublisher publisher();

    RequestBody NONE = new None();

    static RequestBody of(byte[] bytes) {
        return new Bytes(bytes);
    }

    static RequestBody of(Path file, long offset, long length) {
        return new FileSlice(file, offset, length);
    }

    static RequestBody of(Path file) throws IOException {
        return new FileSlice(file, 0, Files.size(file));
    }

    record None() implements RequestBody {
        @Override public long length() { return 0; }
        @Override public BodyPublisher publisher() { return BodyPublishers.noBody(); }
    }

    /** Bytes owned by the body (not copied: callers hand them over). */
    record Bytes(byte[] bytes) implements RequestBody {
        @Override public long length() { return bytes.length; }
        @Override public BodyPublisher publisher() { return BodyPublishers.ofByteArray(bytes); }
    }

    /** {@code length} bytes of a file from {@code offset}, read when sent. */
    record FileSlice(Path file, long offset, long length) implements RequestBody {
        public FileSlice {
            if (offset < 0 || length < 0) throw new IllegalArgumentException("bad file slice %d+%d of %s".formatted(offset, length, file));
        }

        @Override
        public BodyPublisher publisher() {
            return BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(this::open), length);
        }

        private InputStream open() {
            try {
                FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
                channel.position(offset);
                InputStream in = Channels.newInputStream(channel);
                return new java.io.FilterInputStream(in) {
                    long left = length;
                    @Override public int read() throws IOException {
                        if (left <= 0) return -1;
                        int b = super.read();
                        if (b >= 0) left--;
                        return b;
                    }
                    @Override public int read(byte[] buf, int off, int len) throws IOException {
                        if (left <= 0) return -1;
                        int n = super.read(buf, off, (int) Math.min(len, left));
                        if (n > 0) left -= n;
                        return n;
                    }
                };
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
