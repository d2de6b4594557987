// Renders short instrument clips from a General MIDI soundfont, offline and deterministically, for
// the training corpus (docs/benchmark-data.md, "Soundfont renders"). Run by
// training/fetch-benchmark-assets.sh with the JDK's own synthesizer (Gervill):
//
//   java --add-exports java.desktop/com.sun.media.sound=ALL-UNNAMED \
//       training/tools/RenderSoundfont.java FONT.sf2 SPEC.tsv OUT_DIR
//
// SPEC.tsv: one clip per line, "name<TAB>kind<TAB>program<TAB>seed", kind = melody | drums | ring.
// Each clip: 3 s at 16 kHz, mono, 16-bit PCM WAV, OUT_DIR/name.wav; the notes, tempo, velocities
// and pitch come from java.util.SplittableRandom(seed), so the same font and spec give the same
// files. The internal com.sun.media.sound API (AudioSynthesizer.openStream) is the only way to
// render faster than real time with Java Sound; hence the --add-exports, kept out of avloc itself.
import com.sun.media.sound.AudioSynthesizer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import javax.sound.midi.MidiChannel;
import javax.sound.midi.MidiSystem;
import javax.sound.midi.Receiver;
import javax.sound.midi.ShortMessage;
import javax.sound.midi.Soundbank;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

public class RenderSoundfont {
  static final float RATE = 16000f;
  static final double SECONDS = 3.0;

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: RenderSoundfont FONT.sf2 SPEC.tsv OUT_DIR");
      System.exit(2);
    }
    Soundbank bank = MidiSystem.getSoundbank(new File(args[0]));
    List<String> spec = Files.readAllLines(Path.of(args[1]));
    Path out = Path.of(args[2]);
    Files.createDirectories(out);
    int made = 0;
    for (String line : spec) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\t");
      Path wav = out.resolve(f[0] + ".wav");
      if (Files.exists(wav)) {
        continue;
      }
      byte[] pcm = render(bank, f[1], Integer.parseInt(f[2]), Long.parseLong(f[3]));
      AudioFormat format = new AudioFormat(RATE, 16, 1, true, false);
      try (AudioInputStream s =
          new AudioInputStream(new ByteArrayInputStream(pcm), format, pcm.length / 2)) {
        Path tmp = out.resolve(f[0] + ".wav.tmp");
        AudioSystem.write(s, AudioFileFormat.Type.WAVE, tmp.toFile());
        Files.move(tmp, wav);
      }
      made++;
    }
    System.out.println("rendered " + made + " clips from " + args[0] + " into " + out);
  }

  static byte[] render(Soundbank bank, String kind, int program, long seed) throws Exception {
    AudioSynthesizer synth = (AudioSynthesizer) MidiSystem.getSynthesizer();
    AudioFormat format = new AudioFormat(RATE, 16, 1, true, false);
    AudioInputStream stream = synth.openStream(format, null);
    synth.unloadAllInstruments(synth.getDefaultSoundbank());
    synth.loadAllInstruments(bank);
    Receiver r = synth.getReceiver();
    SplittableRandom rng = new SplittableRandom(seed);
    int channel = kind.equals("drums") ? 9 : 0;
    r.send(new ShortMessage(ShortMessage.PROGRAM_CHANGE, channel, program, 0), 0);
    long end = (long) (SECONDS * 1e6);
    long t = (long) (rng.nextDouble(0, 0.3) * 1e6);
    switch (kind) {
      case "melody" -> {
        double beat = 60.0 / rng.nextInt(70, 170); // tempo 70-169 bpm
        int root = 48 + rng.nextInt(25); // C3..C5
        int[] scale = {0, 2, 4, 5, 7, 9, 11, 12};
        int notes = rng.nextInt(3, 9);
        for (int i = 0; i < notes && t < end; i++) {
          int pitch = root + scale[rng.nextInt(scale.length)] + (rng.nextInt(5) == 0 ? 12 : 0);
          int velocity = rng.nextInt(60, 121);
          double length = beat * (rng.nextInt(3) == 0 ? 2 : 1);
          long off = t + (long) (length * 0.9e6);
          r.send(new ShortMessage(ShortMessage.NOTE_ON, channel, pitch, velocity), t);
          r.send(new ShortMessage(ShortMessage.NOTE_OFF, channel, pitch, 0), off);
          t += (long) (length * 1e6);
        }
      }
      case "drums" -> {
        double step = 60.0 / rng.nextInt(80, 161) / 2; // eighth notes at 80-160 bpm
        int[] kit = {35, 36, 38, 40, 42, 44, 46, 41, 43, 45, 47, 48, 49, 51};
        while (t < end) {
          int hits = 1 + rng.nextInt(2);
          for (int h = 0; h < hits; h++) {
            int note = kit[rng.nextInt(kit.length)];
            r.send(new ShortMessage(ShortMessage.NOTE_ON, channel, note, rng.nextInt(60, 121)), t);
            r.send(new ShortMessage(ShortMessage.NOTE_OFF, channel, note, 0), t + 100_000);
          }
          t += (long) (step * 1e6);
        }
      }
      case "ring" -> {
        // A telephone bell: bursts of 0.4-1.2 s separated by 0.2-0.8 s pauses.
        int pitch = 60 + rng.nextInt(25);
        int velocity = rng.nextInt(70, 121);
        while (t < end) {
          long on = (long) (rng.nextDouble(0.4, 1.2) * 1e6);
          r.send(new ShortMessage(ShortMessage.NOTE_ON, channel, pitch, velocity), t);
          r.send(new ShortMessage(ShortMessage.NOTE_OFF, channel, pitch, 0), t + on);
          t += on + (long) (rng.nextDouble(0.2, 0.8) * 1e6);
        }
      }
      default -> throw new IllegalArgumentException("unknown kind " + kind);
    }
    int bytes = (int) (RATE * SECONDS) * 2;
    byte[] pcm = new byte[bytes];
    int read = 0;
    try (InputStream in = stream) {
      while (read < bytes) {
        int n = in.read(pcm, read, bytes - read);
        if (n < 0) {
          break;
        }
        read += n;
      }
    }
    synth.close();
    return pcm;
  }
}
