package io.spikeloop.target.reckon;

/**
 * ReckOn's configuration registers (SPI code 0, write-only), with their address and width as in
 * {@code upstream/doc/README.md} section 3 and {@code spi_slave.v}. A board writes them with
 * {@code {rd=0, code=0, count=1, addr}} followed by one 32-bit data word; only the low
 * {@link #bits()} bits are kept. Registers live in the SCK domain without synchronisation: write
 * them only with SPI_EN_CONF = 1 and the core parked (between samples or in CONFIG).
 */
public enum ReckonRegister {
  SPI_EN_CONF(0, 1),
  SPI_RO_STAGE_SEL(1, 9),
  SPI_GET_CLKINT_OUT(2, 1),
  SPI_GET_TAR_REQ_OUT(3, 1),
  SPI_RST_MODE(8, 1),
  SPI_DO_EPROP(9, 3),
  SPI_LOCAL_TICK(10, 1),
  SPI_ERROR_HALT(11, 1),
  SPI_FP_LOC_WINP(12, 3),
  SPI_FP_LOC_WREC(13, 3),
  SPI_FP_LOC_WOUT(14, 3),
  SPI_FP_LOC_TINP(15, 3),
  SPI_FP_LOC_TREC(16, 3),
  SPI_FP_LOC_TOUT(17, 3),
  SPI_LEARN_SIG_SCALE(18, 4),
  SPI_REGUL_MODE(19, 3),
  SPI_REGUL_W(20, 2),
  SPI_EN_STOCH_ROUND(21, 1),
  SPI_SRAM_SPEEDMODE(22, 8),
  SPI_TIMING_MODE(23, 1),
  SPI_REGRESSION(25, 1),
  SPI_SINGLE_LABEL(26, 1),
  SPI_NO_OUT_ACT(27, 1),
  SPI_SEND_PER_TIMESTEP(30, 1),
  SPI_SEND_LABEL_ONLY(31, 1),
  SPI_NOISE_EN(32, 1),
  SPI_FORCE_TRACES(33, 1),
  SPI_CYCLES_PER_TICK(64, 32),
  /** 128 bits over addresses 65..68 (32 bits each, low word first): bit p = alpha MSBs of pair p. */
  SPI_ALPHA_CONF(65, 128),
  SPI_KAPPA(69, 8),
  SPI_THR_H_0(70, 16),
  SPI_THR_H_1(71, 16),
  SPI_THR_H_2(72, 16),
  SPI_THR_H_3(73, 16),
  SPI_H_0(74, 5),
  SPI_H_1(75, 5),
  SPI_H_2(76, 5),
  SPI_H_3(77, 5),
  SPI_H_4(78, 5),
  SPI_LR_R_WINP(79, 5),
  SPI_LR_P_WINP(80, 5),
  SPI_LR_R_WREC(81, 5),
  SPI_LR_P_WREC(82, 5),
  SPI_LR_R_WOUT(83, 5),
  SPI_LR_P_WOUT(84, 5),
  SPI_SEED_INP(85, 25),
  SPI_SEED_REC(86, 25),
  SPI_SEED_OUT(87, 22),
  SPI_SEED_STRND_NEUR(88, 30),
  SPI_SEED_STRND_ONEUR(89, 15),
  SPI_SEED_STRND_TINP(90, 30),
  SPI_SEED_STRND_TREC(91, 30),
  SPI_SEED_STRND_TOUT(92, 30),
  SPI_SEED_NOISE_NEUR(93, 17),
  SPI_NUM_INP_NEUR(94, 8),
  SPI_NUM_REC_NEUR(95, 8),
  SPI_NUM_OUT_NEUR(96, 4),
  SPI_REGUL_F0(98, 12),
  SPI_REGUL_K_INP_R(99, 5),
  SPI_REGUL_K_INP_P(100, 5),
  SPI_REGUL_K_REC_R(101, 5),
  SPI_REGUL_K_REC_P(102, 5),
  SPI_REGUL_K_MUL(103, 5),
  SPI_NOISE_STR(104, 4);

  private final int address;
  private final int bits;

  ReckonRegister(int address, int bits) {
    this.address = address;
    this.bits = bits;
  }

  /** The register's address {@code addr[15:0]} (the first of four for SPI_ALPHA_CONF). */
  public int address() {
    return address;
  }

  /** Width in bits. */
  public int bits() {
    return bits;
  }

  /** One configuration write: {@code value} (low {@code register.bits()} bits) to {@code address}. */
  public record Write(ReckonRegister register, int address, int value) {}
}
