/**
 * Training and evaluation data: readers for the dataset layouts ({@link
 * io.avloc.training.data.Datasets#open}: VGG-SS, Flickr-SoundNet, plain clip folders, folders of
 * videos), the {@link io.avloc.training.data.Sample} and {@link io.avloc.training.data.Annotation}
 * contracts, and the input pipeline ({@link io.avloc.training.data.BatchLoader} with its {@link
 * io.avloc.training.data.SampleCache}) that turns clips into {@link
 * io.avloc.training.data.TrainingBatch}es with core's preprocessing (docs/methods.md §1).
 */
package io.avloc.training.data;
