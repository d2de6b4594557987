/**
 * The offline trainer: datasets and the synthetic benchmark ({@code data}, {@code synth}), the
 * EZ-VSL, MarginNCE and FNAC losses ({@code loss}), the training loop and export ({@code train})
 * and the evaluation protocol ({@code eval}).
 */
package io.avloc.training;
