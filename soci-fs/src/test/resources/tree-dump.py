# Prints one line per path under a directory: type, mode, uid, gid, size (files), mtime seconds,
# symlink target, rdev, sha256 of content and every xattr (hex), so two trees compare as text.
import hashlib, os, stat, sys
root = sys.argv[1]
skip_mtime_dirs = "--no-dir-mtime" in sys.argv[2:]
skip_vanished = "--skip-vanished" in sys.argv[2:]
out = []
for dirpath, dirnames, filenames in os.walk(root):
    for name in sorted(dirnames + filenames):
        p = os.path.join(dirpath, name)
        rel = os.path.relpath(p, root)
        try:
            st = os.lstat(p)
        except FileNotFoundError:
            if skip_vanished:
                continue
            raise
        fields = [repr(rel), oct(st.st_mode), str(st.st_uid), str(st.st_gid)]
        if stat.S_ISREG(st.st_mode):
            fields.append("size=%d" % st.st_size)
            with open(p, "rb") as f:
                fields.append(hashlib.sha256(f.read()).hexdigest())
        if stat.S_ISLNK(st.st_mode):
            fields.append("-> " + repr(os.readlink(p)))
        if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
            fields.append("dev=%d:%d" % (os.major(st.st_rdev), os.minor(st.st_rdev)))
        if not (stat.S_ISDIR(st.st_mode) and skip_mtime_dirs) and not stat.S_ISLNK(st.st_mode):
            fields.append("mtime=%d" % (st.st_mtime_ns // 1_000_000_000))
        if not stat.S_ISLNK(st.st_mode):
            xs = sorted(os.listxattr(p, follow_symlinks=False))
            for x in xs:
                fields.append("%s=%s" % (x, os.getxattr(p, x, follow_symlinks=False).hex()))
        out.append(" ".join(fields))
print("\n".join(sorted(out)))
