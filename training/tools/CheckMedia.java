// Checks that catalogued media decode with avloc's own readers (AudioDecoder, ImageIO) and that
// recordings are not silent; prints "BAD <path> <why>" per failure. Needs the built CLI:
//   java -cp 'cli/target/avloc.jar:cli/target/lib/*' training/tools/CheckMedia.java ROOT CATALOG.tsv
import io.avloc.core.audio.AudioDecoder;
import java.nio.file.*; import java.util.*; import javax.imageio.ImageIO;
public class CheckMedia { public static void main(String[] a) throws Exception {
  Path root=Path.of(a[0]);
  for (String line: Files.readAllLines(Path.of(a[1]))) {
    if (line.startsWith("#")||line.startsWith("class\t")||line.isBlank()) continue;
    String[] f=line.split("\t"); Path p=root.resolve(f[3]);
    try {
      if (f[1].equals("image")||f[1].equals("background")) { var im=ImageIO.read(p.toFile()); if (im==null) { System.out.println("BAD "+f[3]+" unreadable image"); continue; }
        int opaque=0; for (int y=0;y<im.getHeight();y++) for (int x=0;x<im.getWidth();x++) if ((im.getRGB(x,y)>>>24)>=8) opaque++;
        if (opaque<64) System.out.println("BAD "+f[3]+" fully transparent"); }
      else { var c=AudioDecoder.read(p); double e=0; for (float x: c.samples()) e=Math.max(e,Math.abs(x)); if (c.samples().length<1600||e<0.01) System.out.println("BAD "+f[3]+" len="+c.samples().length+" peak="+e); }
    } catch (Exception e) { System.out.println("BAD "+f[3]+" "+e.getMessage().split("\n")[0]); }
  }
}}
