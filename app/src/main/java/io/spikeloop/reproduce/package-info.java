/**
 * The paper's experiments, run with the study machinery ({@link io.spikeloop.study}): Table 1
 * (FF and recurrent networks, tBPTT1 and BPTT, mean ± std of best test accuracy over seeds, beside
 * the paper's numbers that the project's issues quote) and Figure 1 (recurrent tBPTT1 with plain
 * SGD and momentum from 0 to 0.99: best test accuracy and SOPs per setting).
 */
package io.spikeloop.reproduce;
