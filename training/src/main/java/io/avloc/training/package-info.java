/**
 * The offline trainer: datasets, the EZ-VSL, MarginNCE and FNAC losses, the training loop,
 * evaluation and export. Filled by the trainer issue.
 */
package io.avloc.training;
