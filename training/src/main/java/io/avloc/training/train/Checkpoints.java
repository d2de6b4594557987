package io.avloc.training.train;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.avloc.core.serde.Json;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import org.apache.kafka.common.utils.Utils;

/**
 * The checkpoints of a run, under {@code OUT/checkpoints/}: {@code last/} (network parameters,
 * optimizer moments and {@link TrainingState}; replaced atomically after every epoch and on Ctrl-C)
 * and {@code best/} (the network parameters of the best epoch so far, for the exported model).
 */
public final class Checkpoints {

  static final String NETWORK = "network.params";
  static final String OPTIMIZER = "optimizer.bin";
  static final String STATE = "state.json";

  private final Path root;

  public Checkpoints(Path outDir) {
    this.root = outDir.resolve("checkpoints");
  }

  public Path last() {
    return root.resolve("last");
  }

  public Path best() {
    return root.resolve("best");
  }

  /** Whether a resumable checkpoint exists. */
  public boolean exists() {
    return Files.isRegularFile(last().resolve(STATE));
  }

  /** Writes {@code last/} (through a temporary folder, so a crash never leaves half of one). */
  public void saveLast(Block net, AdamOptimizer adam, TrainingState state) throws IOException {
    Files.createDirectories(root);
    Path tmp = Files.createTempDirectory(root, ".last-");
    try {
      writeNetwork(net, tmp.resolve(NETWORK));
      try (OutputStream out =
          new BufferedOutputStream(Files.newOutputStream(tmp.resolve(OPTIMIZER)))) {
        adam.save(out);
      }
      Json.MAPPER
          .writer(SerializationFeature.INDENT_OUTPUT)
          .writeValue(tmp.resolve(STATE).toFile(), state);
      Path old = root.resolve(".last-old");
      Utils.delete(old.toFile());
      if (Files.exists(last())) {
        Files.move(last(), old);
      }
      move(tmp, last());
      Utils.delete(old.toFile());
    } finally {
      Utils.delete(tmp.toFile());
    }
  }

  /** Copies the network of {@code last/} to {@code best/}. */
  public void markLastBest() throws IOException {
    Files.createDirectories(best());
    Files.copy(
        last().resolve(NETWORK), best().resolve(NETWORK), StandardCopyOption.REPLACE_EXISTING);
  }

  /** Reads {@code last/state.json}. */
  public Optional<TrainingState> state() throws IOException {
    if (!exists()) {
      return Optional.empty();
    }
    return Optional.of(Json.MAPPER.readValue(last().resolve(STATE).toFile(), TrainingState.class));
  }

  /** Restores the network and the optimizer from {@code last/}. */
  public void restoreLast(Block net, AdamOptimizer adam, NDManager manager) throws IOException {
    readNetwork(net, manager, last().resolve(NETWORK));
    try (InputStream in =
        new BufferedInputStream(Files.newInputStream(last().resolve(OPTIMIZER)))) {
      adam.load(in, net.getParameters());
    }
  }

  /** Loads the parameters of {@code best/} (or {@code last/} when no epoch was ever best). */
  public void restoreBest(Block net, NDManager manager) throws IOException {
    Path file = best().resolve(NETWORK);
    readNetwork(net, manager, Files.exists(file) ? file : last().resolve(NETWORK));
  }

  static void writeNetwork(Block net, Path file) throws IOException {
    try (DataOutputStream out =
        new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
      net.saveParameters(out);
    }
  }

  static void readNetwork(Block net, NDManager manager, Path file) throws IOException {
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
      net.loadParameters(manager, in);
    } catch (MalformedModelException e) {
      throw new IOException(
          file
              + " does not fit this network ("
              + e.getMessage()
              + "); was it made with another"
              + " --preset or --method?",
          e);
    }
    // Loaded arrays are new tensors: trainable ones need their gradient buffers again.
    net.getParameters()
        .values()
        .forEach(
            p -> {
              if (p.requiresGradient()) {
                p.getArray().setRequiresGradient(true);
              }
            });
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }
}
