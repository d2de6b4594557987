package io.avloc.cli;

import picocli.CommandLine.IVersionProvider;

/** Reads the version from the jar manifest (Implementation-Version). */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = Avloc.class.getPackage().getImplementationVersion();
    return new String[] {
      "avloc " + (v == null ? "(development build)" : v),
      "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"
    };
  }
}
