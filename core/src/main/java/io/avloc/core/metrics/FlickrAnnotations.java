package io.avloc.core.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Reads Flickr-SoundNet test annotations, {@code Annotations/<id>.xml}, one file per image with the
 * boxes of its (usually three) annotators in 256×256 pixel coordinates.
 *
 * <p>The real files were not available to us; the reader follows what the reference code ({@code
 * load_all_bboxes}) reads, which implies this structure: the {@code bbox} elements are
 * grandchildren of the root, and each has exactly five child elements, the first of which is not a
 * coordinate (it is skipped) followed by xmin, ymin, xmax, ymax as integers, read by position,
 * whatever their tag names. For example:
 *
 * <pre>{@code
 * <annotation>
 *   <filename>2401187063.jpg</filename>
 *   <object>
 *     <bbox><annotator>1</annotator><xmin>40</xmin><ymin>64</ymin><xmax>168</xmax><ymax>200</ymax></bbox>
 *     <bbox>...</bbox>
 *   </object>
 * </annotation>
 * }</pre>
 *
 * <p>Other elements are ignored (the reference would fail on an element other than {@code bbox} at
 * that depth). A file that is not well-formed XML, has no {@code bbox} at that depth, has a {@code
 * bbox} without exactly five child elements, or a coordinate that is not a non-negative integer is
 * an {@link IllegalArgumentException} naming the file. DTDs are refused.
 */
public final class FlickrAnnotations {
  private FlickrAnnotations() {}

  /** Reads the annotators' boxes of one image, in the 256×256 annotation frame. */
  public static List<PixelBox> read(Path xml) {
    try (InputStream in = Files.newInputStream(xml)) {
      return read(in, xml.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read Flickr annotation " + xml, e);
    }
  }

  /**
   * Reads one annotation from a stream.
   *
   * @param source names the stream in error messages
   */
  public static List<PixelBox> read(InputStream in, String source) {
    Document document = parse(in, source);
    Element root = document.getDocumentElement();
    List<PixelBox> boxes = new ArrayList<>();
    for (Element child : children(root)) {
      for (Element grandchild : children(child)) {
        if (grandchild.getTagName().equals("bbox")) {
          boxes.add(box(grandchild, source + ": bbox " + (boxes.size() + 1)));
        }
      }
    }
    if (boxes.isEmpty()) {
      throw new IllegalArgumentException(
          source + ": no <bbox> element under <" + root.getTagName() + "><*>");
    }
    return boxes;
  }

  /**
   * Reads every {@code *.xml} file of an annotation directory, keyed by image id: the file name up
   * to its first dot, as the reference does.
   */
  public static Map<String, List<PixelBox>> readDirectory(Path directory) {
    Map<String, List<PixelBox>> all = new TreeMap<>();
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".xml")).toList()) {
        String name = file.getFileName().toString();
        String id = name.substring(0, name.indexOf('.'));
        if (all.put(id, read(file)) != null) {
          throw new IllegalArgumentException(
              directory + ": two annotation files for image id " + id);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list Flickr annotations in " + directory, e);
    }
    return all;
  }

  private static PixelBox box(Element bbox, String where) {
    List<Element> fields = children(bbox);
    if (fields.size() != 5) {
      throw new IllegalArgumentException(
          where
              + ": expected 5 child elements (one skipped, then xmin, ymin, xmax, ymax), got "
              + fields.size());
    }
    int[] v = new int[4];
    for (int k = 0; k < 4; k++) {
      Element field = fields.get(k + 1);
      String text = field.getTextContent().strip();
      try {
        v[k] = Integer.parseInt(text);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            where + ": <" + field.getTagName() + "> is not an integer: '" + text + "'", e);
      }
      if (v[k] < 0) {
        throw new IllegalArgumentException(
            where + ": <" + field.getTagName() + "> must be >= 0, got " + v[k]);
      }
    }
    return new PixelBox(v[0], v[1], v[2], v[3]);
  }

  private static List<Element> children(Element parent) {
    List<Element> elements = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e) {
        elements.add(e);
      }
    }
    return elements;
  }

  private static Document parse(InputStream in, String source) {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.setXIncludeAware(false);
      factory.setExpandEntityReferences(false);
      DocumentBuilder builder = factory.newDocumentBuilder();
      builder.setErrorHandler(THROWING);
      return builder.parse(in);
    } catch (SAXException e) {
      throw new IllegalArgumentException(
          source + ": not a well-formed annotation: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read Flickr annotation " + source, e);
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("XML parser does not support secure processing", e);
    }
  }

  /** Fails on the first problem instead of printing it to stderr. */
  private static final ErrorHandler THROWING =
      new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {}

        @Override
        public void error(SAXParseException e) throws SAXException {
          throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
          throw e;
        }
      };
}
