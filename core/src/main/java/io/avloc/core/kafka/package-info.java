/** How avloc's programs connect to Kafka: one set of client settings for every client. */
package io.avloc.core.kafka;
