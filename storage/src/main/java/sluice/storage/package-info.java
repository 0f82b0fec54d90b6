/** Segment-log storage: plain Java, no Akka. */
package sluice.storage;
