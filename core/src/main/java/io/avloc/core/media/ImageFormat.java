package io.avloc.core.media;

import java.util.Locale;

/** Encodings accepted on the frames topic. */
public enum ImageFormat {
  JPEG("jpeg"),
  PNG("png");

  private final String headerValue;

  ImageFormat(String headerValue) {
    this.headerValue = headerValue;
  }

  /** The value of the {@code format} header. */
  public String headerValue() {
    return headerValue;
  }

  /**
   * Parses a {@code format} header value ({@code jpg} is accepted as a synonym of {@code jpeg}).
   *
   * @throws InvalidMediaException for anything else
   */
  public static ImageFormat fromHeader(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    switch (v) {
      case "jpeg":
      case "jpg":
        return JPEG;
      case "png":
        return PNG;
      default:
        throw new InvalidMediaException(
            InvalidMediaException.Reason.UNKNOWN_FORMAT,
            "frame header 'format' is '" + value + "'; expected 'jpeg' or 'png'");
    }
  }

  /** Sniffs the encoding from the first bytes, or returns {@code null} if neither matches. */
  public static ImageFormat sniff(byte[] data) {
    if (data.length >= 3
        && (data[0] & 0xff) == 0xFF
        && (data[1] & 0xff) == 0xD8
        && (data[2] & 0xff) == 0xFF) {
      return JPEG;
    }
    if (data.length >= 8
        && (data[0] & 0xff) == 0x89
        && data[1] == 'P'
        && data[2] == 'N'
        && data[3] == 'G'
        && data[4] == 0x0D
        && data[5] == 0x0A
        && data[6] == 0x1A
        && data[7] == 0x0A) {
      return PNG;
    }
    return null;
  }
}
