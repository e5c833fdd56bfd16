package io.spikeloop.convert.audio;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a Heidelberg Digits file name says: {@code lang-{english,german}_speaker-NN_trial-T_digit-D}.
 * The SHD label is D for English and D + 10 for German (20 classes).
 */
public record HeidelbergDigitName(String language, int speaker, int trial, int digit) {
  private static final Pattern NAME = Pattern.compile(
      "lang-(english|german)_speaker-(\\d+)_trial-(\\d+)_digit-(\\d)(\\.[A-Za-z0-9]+)?");

  public int label() {
    return language.equals("german") ? digit + 10 : digit;
  }

  public static Optional<HeidelbergDigitName> parse(String fileName) {
    Matcher m = NAME.matcher(fileName);
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(new HeidelbergDigitName(m.group(1), Integer.parseInt(m.group(2)),
        Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4))));
  }
}
