/** OCI image layouts (directory and tar) and {@link dev.soci4j.oci.layout.ImageCopier}, which copies whole images with their referrers between registries and layouts. */
package dev.soci4j.oci.layout;
