package dev.soci4j.ztoc.fbs;

/**
 * Field slots of the reference schemas {@code ztoc/fbs/ztoc.fbs} and
 * {@code ztoc/compression/fbs/zinfo.fbs}: the schemas give no explicit ids, so a field's slot is its
 * declaration index ({@code soci-format.md §1}). Shared by the encoder and the decoder so they cannot
 * disagree.
 */
final class ZtocSchema {
    private ZtocSchema() {
    }

    /** {@code table Ztoc}. */
    static final class ZtocFields {
        static final int COUNT = 6;
        static final int VERSION = 0;
        static final int BUILD_TOOL_IDENTIFIER = 1;
        static final int COMPRESSED_ARCHIVE_SIZE = 2;
        static final int UNCOMPRESSED_ARCHIVE_SIZE = 3;
        static final int TOC = 4;
        static final int COMPRESSION_INFO = 5;

        private ZtocFields() {
        }
    }

    /** {@code table TOC}. */
    static final class TocFields {
        static final int COUNT = 1;
        static final int METADATA = 0;

        private TocFields() {
        }
    }

    /** {@code table FileMetadata}. */
    static final class FileMetadataFields {
        static final int COUNT = 14;
        static final int NAME = 0;
        static final int TYPE = 1;
        static final int UNCOMPRESSED_OFFSET = 2;
        static final int UNCOMPRESSED_SIZE = 3;
        static final int LINKNAME = 4;
        static final int MODE = 5;
        static final int UID = 6;
        static final int GID = 7;
        static final int UNAME = 8;
        static final int GNAME = 9;
        static final int MOD_TIME = 10;
        static final int DEVMAJOR = 11;
        static final int DEVMINOR = 12;
        static final int XATTRS = 13;

        private FileMetadataFields() {
        }
    }

    /** {@code table Xattr}. */
    static final class XattrFields {
        static final int COUNT = 2;
        static final int KEY = 0;
        static final int VALUE = 1;

        private XattrFields() {
        }
    }

    /** {@code table CompressionInfo}; the algorithm is a {@code byte} enum defaulting to Gzip (1). */
    static final class CompressionInfoFields {
        static final int COUNT = 4;
        static final int COMPRESSION_ALGORITHM = 0;
        static final int MAX_SPAN_ID = 1;
        static final int SPAN_DIGESTS = 2;
        static final int CHECKPOINTS = 3;
        static final byte DEFAULT_ALGORITHM = 1;

        private CompressionInfoFields() {
        }
    }

    /** {@code table zinfo.TarZinfo}. */
    static final class TarZinfoFields {
        static final int COUNT = 3;
        static final int VERSION = 0;
        static final int SPAN_SIZE = 1;
        static final int SIZE = 2;

        private TarZinfoFields() {
        }
    }
}
