package io.avloc.modelserver.registry;

import java.util.Comparator;

/**
 * Orders version names the way people number them: runs of digits compare as numbers, everything
 * else character by character, so {@code 9 < 10}, {@code 1.9 < 1.10} and {@code 2024-05-01 <
 * 2024-11-30}. Names equal up to leading zeros fall back to plain string order.
 */
final class VersionOrder implements Comparator<String> {

  static final VersionOrder INSTANCE = new VersionOrder();

  private VersionOrder() {}

  @Override
  public int compare(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      char ca = a.charAt(i);
      char cb = b.charAt(j);
      if (isDigit(ca) && isDigit(cb)) {
        int si = skipZeros(a, i);
        int sj = skipZeros(b, j);
        i = endOfDigits(a, si);
        j = endOfDigits(b, sj);
        int byLength = Integer.compare(i - si, j - sj);
        if (byLength != 0) {
          return byLength;
        }
        int byDigits = a.substring(si, i).compareTo(b.substring(sj, j));
        if (byDigits != 0) {
          return byDigits;
        }
      } else {
        if (ca != cb) {
          return Character.compare(ca, cb);
        }
        i++;
        j++;
      }
    }
    int byRest = Integer.compare(a.length() - i, b.length() - j);
    return byRest != 0 ? byRest : a.compareTo(b);
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static int skipZeros(String s, int i) {
    while (i < s.length() - 1 && s.charAt(i) == '0' && isDigit(s.charAt(i + 1))) {
      i++;
    }
    return i;
  }

  private static int endOfDigits(String s, int i) {
    while (i < s.length() && isDigit(s.charAt(i))) {
      i++;
    }
    return i;
  }
}
