/** JMH benchmarks of avloc; results and commands are recorded in docs/benchmarks.md. */
package io.avloc.benchmarks;
