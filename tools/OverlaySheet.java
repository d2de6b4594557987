import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Tiles PNGs (e.g. the overlays of `avloc eval --overlays`) into one contact sheet for docs.
 *
 * <pre>java tools/OverlaySheet.java OUT.png COLUMNS TILE_PX LABEL=FILE.png ...</pre>
 *
 * Each argument after TILE_PX is a picture, optionally prefixed with a caption and '='.
 */
public class OverlaySheet {
  public static void main(String[] args) throws Exception {
    if (args.length < 4) {
      System.err.println("usage: java tools/OverlaySheet.java OUT.png COLUMNS TILE_PX [LABEL=]FILE.png ...");
      System.exit(2);
    }
    int columns = Integer.parseInt(args[1]);
    int tile = Integer.parseInt(args[2]);
    List<String> items = new ArrayList<>(Arrays.asList(args).subList(3, args.length));
    int rows = (items.size() + columns - 1) / columns;
    int caption = 18;
    BufferedImage sheet =
        new BufferedImage(columns * tile, rows * (tile + caption), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = sheet.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    for (int i = 0; i < items.size(); i++) {
      String item = items.get(i);
      int eq = item.indexOf('=');
      String label = eq > 0 ? item.substring(0, eq) : new File(item).getName();
      File file = new File(eq > 0 ? item.substring(eq + 1) : item);
      BufferedImage img = ImageIO.read(file);
      if (img == null) {
        throw new IllegalArgumentException("not a picture: " + file);
      }
      int x = (i % columns) * tile;
      int y = (i / columns) * (tile + caption);
      g.drawImage(img, x, y + caption, tile, tile, null);
      g.setColor(Color.BLACK);
      g.drawString(label, x + 4, y + 13);
    }
    g.dispose();
    ImageIO.write(sheet, "png", new File(args[0]));
  }
}
