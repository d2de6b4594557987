/** Logging helpers of the command line: what reaches the console and what only the log file. */
package io.avloc.cli.logging;
