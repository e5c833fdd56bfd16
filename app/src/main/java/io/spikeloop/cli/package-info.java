/**
 * The {@code ./spikeloop} command line: one picocli command per verb, all sharing the
 * conventions of {@code docs/cli.md} ({@code --json} last line, {@code --seed}, one-line errors,
 * {@code --verbose} for stack traces).
 */
package io.spikeloop.cli;
