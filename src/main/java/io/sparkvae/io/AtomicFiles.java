// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.io;

import java.io.FileNotFoundException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.StreamCapabilities;

/**
 * Replaces a file or a whole directory so that a crash at any moment leaves a complete version, old
 * or new, never a torn mix. Paths go through Hadoop's {@link FileSystem}, so they may be local,
 * HDFS or S3 ({@code file:}, {@code hdfs:}, {@code s3a:}).
 *
 * <p>Renaming a finished temporary file over the target is the usual trick, but Hadoop's rename
 * does not reliably replace: HDFS refuses when the destination exists, and on HDFS and the local
 * file system alike a directory renamed onto an existing directory is moved <em>inside</em> it. So
 * replacing target {@code T} takes four steps that never rename onto an existing path, with hidden
 * siblings (a leading dot keeps them out of Hadoop and Spark input listings):
 *
 * <ol>
 *   <li>write the new version to {@code .T.tmp-<16 hex>} and close it (with {@code hsync} where the
 *       file system offers it, so the bytes are durable before they are published);
 *   <li>if {@code T} exists, rename it to {@code .T.bak};
 *   <li>rename the temporary to {@code T};
 *   <li>delete {@code .T.bak}.
 * </ol>
 *
 * <p>If the process dies:
 *
 * <ul>
 *   <li>during step 1: {@code T} is untouched (or absent, on a first save); the temporary is
 *       garbage. {@link #recover} deletes it.
 *   <li>between steps 2 and 3, a window of one rename: {@code T} is missing, the previous version
 *       sits complete in {@code .T.bak}. A reader that looks now finds no {@code T} ({@link
 *       #readAll}'s error points at the backup). {@link #recover} renames the backup back, so the
 *       interrupted save is as if it never started.
 *   <li>between steps 3 and 4: {@code T} is the new version; the backup is stale and {@link
 *       #recover} deletes it.
 * </ul>
 *
 * <p>So the previous version is never lost: it is at {@code T} or at {@code .T.bak} until the new
 * one is at {@code T}. {@code writeAtomically} and {@code replaceDirectoryAtomically} call {@link
 * #recover} first; readers should too.
 *
 * <p>Limits. There must be one writer per target at a time: {@link #recover} deletes temporaries
 * that a concurrent writer may still be filling (spark-vae has one, the driver). On object stores
 * whose rename is a copy (S3A), replacing a file keeps the guarantee, as each object is copied
 * whole, but a directory is copied file by file, so a crash inside step 2 or 3 can leave a mix; on
 * S3, save each model to a fresh directory instead of replacing one in place.
 */
public final class AtomicFiles {
  private static final String TEMP_INFIX = ".tmp-";
  private static final String BACKUP_SUFFIX = ".bak";
  private static final HexFormat HEX = HexFormat.of();
  private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

  private AtomicFiles() {}

  /** Replaces the file {@code target} with {@code bytes}; see the class comment for the steps. */
  public static void writeAtomically(FileSystem fs, Path target, byte[] bytes) throws IOException {
    Objects.requireNonNull(bytes, "bytes");
    writeAtomically(fs, target, out -> out.write(bytes));
  }

  /**
   * Replaces the file {@code target} with what {@code writer} writes to the stream it is given, for
   * files too large to hold in memory (a model's safetensors, say). If {@code writer} throws, the
   * temporary file is deleted and {@code target} is left as it was. The stream is closed for the
   * writer; closing it early is harmless.
   *
   * @throws IOException if {@code target} is a directory, or writing or renaming fails
   */
  public static void writeAtomically(FileSystem fs, Path target, IOConsumer<OutputStream> writer)
      throws IOException {
    checkTarget(fs, target);
    Objects.requireNonNull(writer, "writer");
    recover(fs, target);
    if (fs.exists(target) && fs.getFileStatus(target).isDirectory()) {
      throw new IOException(
          target
              + ": is a directory; writeAtomically replaces files "
              + "(replaceDirectoryAtomically replaces directories)");
    }
    Path temp = tempSibling(target);
    try {
      try (FSDataOutputStream out = fs.create(temp, false)) {
        writer.accept(new Unclosable(out));
        // S3A streams throw on hsync; they publish on close, all or nothing.
        if (out.hasCapability(StreamCapabilities.HSYNC)) {
          out.hsync();
        }
      }
    } catch (Throwable t) {
      deleteAfterFailure(fs, temp, t);
      throw t;
    }
    swapIntoPlace(fs, temp, target);
  }

  /**
   * Writes {@code bytes} to the new file {@code file} (replacing one left by a failed attempt) and
   * syncs it to disk where the file system can ({@code hsync}) before closing: for the files a
   * {@link #replaceDirectoryAtomically} callback writes, so that the swap, which deletes the old
   * version, never publishes files a machine crash could leave empty.
   */
  public static void writeDurably(FileSystem fs, Path file, byte[] bytes) throws IOException {
    try (FSDataOutputStream out = fs.create(file, true)) {
      out.write(bytes);
      if (out.hasCapability(StreamCapabilities.HSYNC)) {
        out.hsync();
      }
    }
  }

  /**
   * Replaces the directory {@code target} with one that {@code writeInto} fills: it is handed an
   * empty temporary sibling directory and writes the new contents there (with {@code fs}). If it
   * throws, the temporary directory is deleted and {@code target} is left as it was; otherwise the
   * new directory takes {@code target}'s place in the steps the class comment lists. This is how a
   * model directory is saved: a crash mid-save leaves the previous model loadable.
   *
   * @throws IOException if {@code target} is a file, or writing or renaming fails
   */
  public static void replaceDirectoryAtomically(
      FileSystem fs, Path target, IOConsumer<Path> writeInto) throws IOException {
    checkTarget(fs, target);
    Objects.requireNonNull(writeInto, "writeInto");
    recover(fs, target);
    if (fs.exists(target) && !fs.getFileStatus(target).isDirectory()) {
      throw new IOException(
          target
              + ": is a file; replaceDirectoryAtomically replaces "
              + "directories (writeAtomically replaces files)");
    }
    Path temp = tempSibling(target);
    try {
      if (!fs.mkdirs(temp)) {
        throw new IOException("cannot create the temporary directory " + temp);
      }
      writeInto.accept(temp);
    } catch (Throwable t) {
      deleteAfterFailure(fs, temp, t);
      throw t;
    }
    swapIntoPlace(fs, temp, target);
  }

  /**
   * Repairs what an interrupted replacement of {@code target} left behind: if {@code target} is
   * missing but its backup exists, the backup is renamed back; a backup beside an existing {@code
   * target} is stale and deleted; temporaries are deleted. Does nothing when there is nothing to
   * repair, which is the usual case and costs a few metadata calls. Call it before reading {@code
   * target}, while no writer is active.
   *
   * @return whether the previous version was restored from its backup (worth a log line: a save was
   *     interrupted and lost)
   */
  public static boolean recover(FileSystem fs, Path target) throws IOException {
    checkTarget(fs, target);
    Path backup = backupOf(target);
    boolean restored = false;
    if (fs.exists(backup)) {
      if (fs.exists(target)) {
        delete(fs, backup, "the stale backup");
      } else {
        rename(fs, backup, target, "restore the previous version from its backup");
        restored = true;
      }
    }
    Path parent = target.getParent();
    if (fs.exists(parent)) {
      Pattern temp =
          Pattern.compile(Pattern.quote("." + target.getName() + TEMP_INFIX) + "[0-9a-f]{16}");
      for (FileStatus s : fs.listStatus(parent, p -> temp.matcher(p.getName()).matches())) {
        delete(fs, s.getPath(), "a temporary left by an interrupted write");
      }
    }
    return restored;
  }

  /**
   * Reads a whole file.
   *
   * @param maxBytes the largest file accepted, a guard against reading a huge wrong file
   * @throws FileNotFoundException naming the path when it does not exist (and its backup, if an
   *     interrupted save left one)
   * @throws IOException naming the path when it is a directory, exceeds {@code maxBytes} or changes
   *     size while being read
   */
  public static byte[] readAll(FileSystem fs, Path path, long maxBytes) throws IOException {
    Objects.requireNonNull(fs, "fs");
    Objects.requireNonNull(path, "path");
    if (maxBytes < 0 || maxBytes > MAX_ARRAY) {
      throw new IllegalArgumentException(
          "maxBytes must lie in [0, " + MAX_ARRAY + "], got " + maxBytes);
    }
    FileStatus status;
    try {
      status = fs.getFileStatus(path);
    } catch (FileNotFoundException e) {
      String hint = "";
      if (path.getParent() != null && fs.exists(backupOf(path))) {
        hint =
            " (but its backup "
                + backupOf(path)
                + " exists: a save was interrupted; "
                + "AtomicFiles.recover restores it)";
      }
      throw (FileNotFoundException)
          new FileNotFoundException(path + ": no such file" + hint).initCause(e);
    }
    if (status.isDirectory()) {
      throw new IOException(path + ": is a directory, expected a file");
    }
    if (status.getLen() > maxBytes) {
      throw new IOException(
          path
              + ": "
              + status.getLen()
              + " bytes, more than the "
              + maxBytes
              + " allowed here (is it the right file?)");
    }
    byte[] bytes = new byte[(int) status.getLen()];
    try (FSDataInputStream in = fs.open(path)) {
      int n = in.readNBytes(bytes, 0, bytes.length);
      if (n < bytes.length) {
        throw new IOException(
            path
                + ": ended after "
                + n
                + " of its "
                + bytes.length
                + " bytes (was it replaced while being read?)");
      }
      if (in.read() != -1) {
        throw new IOException(path + ": grew past its " + bytes.length + " bytes while being read");
      }
    }
    return bytes;
  }

  /** Steps 2 to 4 of the class comment: old aside, new into place, old deleted. */
  private static void swapIntoPlace(FileSystem fs, Path fresh, Path target) throws IOException {
    Path backup = backupOf(target);
    boolean hadTarget;
    try {
      // recover() ran first, so a backup now means another writer is at work on this target.
      if (fs.exists(backup)) {
        throw new IOException(
            backup
                + " appeared while "
                + target
                + " was being written; is "
                + "another process writing it?");
      }
      hadTarget = fs.exists(target);
      if (hadTarget) {
        rename(fs, target, backup, "move the previous version aside");
      }
    } catch (Throwable t) {
      deleteAfterFailure(fs, fresh, t);
      throw t;
    }
    try {
      rename(fs, fresh, target, "move the new version into place");
    } catch (Throwable t) {
      if (hadTarget) {
        try {
          rename(fs, backup, target, "put the previous version back");
        } catch (Throwable u) {
          t.addSuppressed(
              new IOException(
                  "could not put the previous version back; it is "
                      + "still at "
                      + backup
                      + ", and AtomicFiles.recover restores it",
                  u));
        }
      }
      deleteAfterFailure(fs, fresh, t);
      throw t;
    }
    if (hadTarget) {
      try {
        fs.delete(backup, true);
      } catch (IOException e) {
        // The new version is in place, so the save succeeded; recover() removes the backup.
      }
    }
  }

  private static void rename(FileSystem fs, Path from, Path to, String why) throws IOException {
    if (!fs.rename(from, to)) {
      throw new IOException(
          "cannot rename "
              + from
              + " to "
              + to
              + " (to "
              + why
              + "); the file system refused without saying why");
    }
  }

  private static void delete(FileSystem fs, Path p, String what) throws IOException {
    if (!fs.delete(p, true) && fs.exists(p)) {
      throw new IOException("cannot delete " + what + ", " + p);
    }
  }

  /** Best effort: the write already failed, and that failure is the one to report. */
  private static void deleteAfterFailure(FileSystem fs, Path p, Throwable failure) {
    try {
      fs.delete(p, true);
    } catch (Throwable t) {
      failure.addSuppressed(t);
    }
  }

  private static void checkTarget(FileSystem fs, Path target) {
    Objects.requireNonNull(fs, "fs");
    Objects.requireNonNull(target, "target");
    if (target.getParent() == null) {
      throw new IllegalArgumentException(
          "cannot replace " + target + ": the root has no parent to hold a temporary sibling");
    }
  }

  static Path backupOf(Path target) {
    return new Path(target.getParent(), "." + target.getName() + BACKUP_SUFFIX);
  }

  private static Path tempSibling(Path target) {
    String random = HEX.toHexDigits(ThreadLocalRandom.current().nextLong());
    return new Path(target.getParent(), "." + target.getName() + TEMP_INFIX + random);
  }

  /**
   * Hands the writer a stream it may close (a wrapper's try-with-resources does) without ending the
   * write: the caller still has to hsync and close it.
   */
  private static final class Unclosable extends FilterOutputStream {
    Unclosable(OutputStream out) {
      super(out);
    }

    // FilterOutputStream would forward an array one byte at a time.
    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      out.flush();
    }
  }
}
