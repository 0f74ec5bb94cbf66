package dev.soci4j.oci.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks answers to {@code Range: bytes=a-b} requests so callers see exactly the bytes asked for:
 * a 206 must start at {@code a} (Content-Range); a 200 (a server or CDN ignoring Range) is
 * skipped to {@code a} and cut at {@code b}; 416 and other statuses pass through for the endpoint.
 */
final class RangeStep implements Step {
    private static final Logger log = LoggerFactory.getLogger(RangeStep.class);
    private static final Pattern REQUESTED = Pattern.compile("bytes=(\\d+)-(\\d*)");
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        Response response = chain.proceed(request);
        Matcher wanted = request.header("range").map(REQUESTED::matcher).filter(Matcher::matches).orElse(null);
        if (wanted == null || !request.method().equals("GET")) return response;
        long start = Long.parseLong(wanted.group(1));
        long end = wanted.group(2).isEmpty() ? Long.MAX_VALUE : Long.parseLong(wanted.group(2));
        if (response.status() == 206) {
            String contentRange = response.header("content-range").orElse("");
            Matcher got = CONTENT_RANGE.matcher(contentRange);
            if (!got.matches() || Long.parseLong(got.group(1)) != start || Long.parseLong(got.group(2)) > end) {
                response.close();
                throw new IOException("%s: asked for bytes %d-%s, got Content-Range '%s'"
                        .formatted(request, start, end == Long.MAX_VALUE ? "" : end, contentRange));
            }
            return response;
        }
        if (response.status() == 200) {
            log.atDebug().addKeyValue("request", request).addKeyValue("offset", start).log("full body for a Range request; skipping");
            InputStream body = response.body();
            try {
                body.skipNBytes(start);
            } catch (java.io.EOFException e) {
                response.close();
                throw new IOException("%s: full body shorter than requested offset %d".formatted(request, start), e);
            }
            return response.withBody(end == Long.MAX_VALUE ? body : new BoundedInputStream(body, end - start + 1));
        }
        return response;
    }

    /** Reads at most {@code limit} bytes of the underlying stream. */
    static final class BoundedInputStream extends java.io.FilterInputStream {
        private long left;

        BoundedInputStream(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) return -1;
            int b = super.read();
            if (b >= 0) left--;
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            if (left <= 0) return -1;
            int n = super.read(buf, off, (int) Math.min(len, left));
            if (n > 0) left -= n;
            return n;
        }
    }
}
