/** JMH benchmarks and the quick JSON-lines runner behind `ssvae bench`. */
package ssvae.bench;
