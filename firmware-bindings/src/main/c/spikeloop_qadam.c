/* Quantized Adam (docs/learning-engine.md), bit for bit Java's QuantizedAdam; see the header. */
#include "spikeloop_qadam.h"

#include <stddef.h>

/* |m_hat / (sqrt(v_hat) + eps)| clamps to 2^24 in Q16; the eps term saturates at 2^40. */
#define RATIO_LIMIT_Q16 ((int64_t)1 << 24)
#define EPS_LIMIT ((int64_t)1 << 40)
/* Catch-up: S_k (Q0.20) saturates at 2^31 - 1; FS = F S_k at 2^38, so FS * ratio < 2^62. */
#define CATCH_UP_SUM_LIMIT (((int64_t)1 << 31) - 1)
#define CATCH_UP_STEP_LIMIT ((int64_t)1 << 38)
/* The per-element helpers are inlined into step_blocks, which is instantiated once per state
 * width: the code parameters become constants and every branch on them folds away. */
#define SLQ_INLINE static inline __attribute__((always_inline))

/* ---- integer helpers (learning-engine.md section 1) ---- */

SLQ_INLINE int32_t bit_length(int64_t x) { return x == 0 ? 0 : 64 - __builtin_clzll((uint64_t)x); }

SLQ_INLINE int64_t abs64(int64_t x) { return x < 0 ? -x : x; }

/* x * 2^k without the undefined left shift of a negative value. The callers' frames keep k <= 62
 * for every nonzero x; for x = 0 the frame may ask for any k (an all-zero block or gradient),
 * and the product is 0, as Java's masked shift gives. */
SLQ_INLINE int64_t mul_pow2(int64_t x, int32_t k) { return x == 0 ? 0 : x * ((int64_t)1 << k); }

SLQ_INLINE int64_t shift_round(int64_t x, int32_t s) {
  if (s <= 0) {
    return mul_pow2(x, -s);
  }
  int32_t c = s < 62 ? s : 62;
  return (x + ((int64_t)1 << (c - 1))) >> c;
}

SLQ_INLINE int64_t shift_floor(int64_t x, int32_t s) {
  if (s <= 0) {
    return mul_pow2(x, -s);
  }
  return x >> (s < 63 ? s : 63);
}

SLQ_INLINE int64_t shift_clamp(int64_t x, int32_t k, int64_t limit) {
  int64_t r;
  if (k <= 0) {
    r = shift_round(x, -k);
  } else if (x == 0) {
    r = 0;
  } else if (k >= 62 || abs64(x) > (limit >> k)) {
    r = x > 0 ? limit : -limit;
  } else {
    r = mul_pow2(x, k);
  }
  return r < -limit ? -limit : (r > limit ? limit : r);
}

/* ceil(256 * sqrt(i + 1)) for i in [0, 512): an upper bound of sqrt from 9 leading bits */
static const uint16_t SQRT_UPPER_Q8[512] = {
    256, 363, 444, 512, 573, 628, 678, 725, 768, 810, 850, 887, 924, 958, 992, 1024,
    1056, 1087, 1116, 1145, 1174, 1201, 1228, 1255, 1280, 1306, 1331, 1355, 1379, 1403, 1426, 1449,
    1471, 1493, 1515, 1536, 1558, 1579, 1599, 1620, 1640, 1660, 1679, 1699, 1718, 1737, 1756, 1774,
    1792, 1811, 1829, 1847, 1864, 1882, 1899, 1916, 1933, 1950, 1967, 1983, 2000, 2016, 2032, 2048,
    2064, 2080, 2096, 2112, 2127, 2142, 2158, 2173, 2188, 2203, 2218, 2232, 2247, 2261, 2276, 2290,
    2304, 2319, 2333, 2347, 2361, 2375, 2388, 2402, 2416, 2429, 2443, 2456, 2469, 2483, 2496, 2509,
    2522, 2535, 2548, 2560, 2573, 2586, 2599, 2611, 2624, 2636, 2649, 2661, 2673, 2685, 2698, 2710,
    2722, 2734, 2746, 2758, 2770, 2781, 2793, 2805, 2816, 2828, 2840, 2851, 2863, 2874, 2885, 2897,
    2908, 2919, 2931, 2942, 2953, 2964, 2975, 2986, 2997, 3008, 3019, 3030, 3040, 3051, 3062, 3072,
    3083, 3094, 3104, 3115, 3125, 3136, 3146, 3157, 3167, 3177, 3188, 3198, 3208, 3218, 3229, 3239,
    3249, 3259, 3269, 3279, 3289, 3299, 3309, 3319, 3328, 3338, 3348, 3358, 3368, 3377, 3387, 3397,
    3406, 3416, 3426, 3435, 3445, 3454, 3464, 3473, 3482, 3492, 3501, 3511, 3520, 3529, 3538, 3548,
    3557, 3566, 3575, 3584, 3594, 3603, 3612, 3621, 3630, 3639, 3648, 3657, 3666, 3675, 3684, 3693,
    3701, 3710, 3719, 3728, 3737, 3745, 3754, 3763, 3772, 3780, 3789, 3798, 3806, 3815, 3823, 3832,
    3840, 3849, 3858, 3866, 3874, 3883, 3891, 3900, 3908, 3917, 3925, 3933, 3942, 3950, 3958, 3966,
    3975, 3983, 3991, 3999, 4008, 4016, 4024, 4032, 4040, 4048, 4056, 4064, 4072, 4080, 4088, 4096,
    4104, 4112, 4120, 4128, 4136, 4144, 4152, 4160, 4168, 4176, 4184, 4191, 4199, 4207, 4215, 4223,
    4230, 4238, 4246, 4253, 4261, 4269, 4277, 4284, 4292, 4299, 4307, 4315, 4322, 4330, 4337, 4345,
    4352, 4360, 4368, 4375, 4383, 4390, 4397, 4405, 4412, 4420, 4427, 4435, 4442, 4449, 4457, 4464,
    4471, 4479, 4486, 4493, 4501, 4508, 4515, 4522, 4530, 4537, 4544, 4551, 4558, 4566, 4573, 4580,
    4587, 4594, 4601, 4608, 4616, 4623, 4630, 4637, 4644, 4651, 4658, 4665, 4672, 4679, 4686, 4693,
    4700, 4707, 4714, 4721, 4728, 4735, 4742, 4749, 4755, 4762, 4769, 4776, 4783, 4790, 4797, 4803,
    4810, 4817, 4824, 4831, 4837, 4844, 4851, 4858, 4864, 4871, 4878, 4885, 4891, 4898, 4905, 4911,
    4918, 4925, 4931, 4938, 4945, 4951, 4958, 4965, 4971, 4978, 4984, 4991, 4997, 5004, 5011, 5017,
    5024, 5030, 5037, 5043, 5050, 5056, 5063, 5069, 5076, 5082, 5088, 5095, 5101, 5108, 5114, 5120,
    5127, 5133, 5140, 5146, 5152, 5159, 5165, 5171, 5178, 5184, 5190, 5197, 5203, 5209, 5216, 5222,
    5228, 5234, 5241, 5247, 5253, 5259, 5266, 5272, 5278, 5284, 5290, 5297, 5303, 5309, 5315, 5321,
    5328, 5334, 5340, 5346, 5352, 5358, 5364, 5370, 5376, 5383, 5389, 5395, 5401, 5407, 5413, 5419,
    5425, 5431, 5437, 5443, 5449, 5455, 5461, 5467, 5473, 5479, 5485, 5491, 5497, 5503, 5509, 5515,
    5521, 5527, 5533, 5539, 5545, 5550, 5556, 5562, 5568, 5574, 5580, 5586, 5592, 5597, 5603, 5609,
    5615, 5621, 5627, 5632, 5638, 5644, 5650, 5656, 5662, 5667, 5673, 5679, 5685, 5690, 5696, 5702,
    5708, 5713, 5719, 5725, 5731, 5736, 5742, 5748, 5753, 5759, 5765, 5770, 5776, 5782, 5787, 5793
};

/*
 * Round-to-nearest square root of 0 <= x < 2^62, integers only (learning-engine.md section 1:
 * any method giving floor(sqrt(x)) exactly conforms). With x = top * 2^sh (sh even, top the 9
 * leading bits), r0 = ceil(SQRT_UPPER_Q8[top] * 2^(sh/2) / 256) >= sqrt(x), at most 0.4 % above
 * for top >= 128 (plus 1 from the ceiling). Newton's step r <- floor((r + floor(x / r)) / 2)
 * never falls below floor(sqrt(x)) (AM-GM) and squares the relative error: 2^-8 -> 2^-17 ->
 * 2^-35, so after two steps r is floor(sqrt(x)) or one above (r < 2^31), which the loop
 * corrects; then r + 1 when x - r^2 > r.
 */
SLQ_INLINE int64_t sqrt_round(int64_t x) {
  if (x == 0) {
    return 0;
  }
  uint64_t ux = (uint64_t)x;
  int32_t n = bit_length(x);
  int32_t sh = n <= 9 ? 0 : (n - 8) & ~1; /* even; top = x >> sh has 8 or 9 bits */
  uint64_t top = ux >> sh;
  uint64_t r = (((uint64_t)SQRT_UPPER_Q8[top] << (sh / 2)) + 255) >> 8;
  r = (r + ux / r) >> 1;
  r = (r + ux / r) >> 1;
  while (r * r > ux) {
    r--;
  }
  return (int64_t)(ux - r * r > r ? r + 1 : r);
}

int64_t slq_sqrt_round(int64_t x) { return sqrt_round(x); }

/* ---- xorshift64* ---- */

uint64_t slq_seed(uint64_t seed) {
  uint64_t z = seed + 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z = z ^ (z >> 31);
  return z == 0 ? 0x9E3779B97F4A7C15ull : z;
}

SLQ_INLINE uint64_t rng_advance(uint64_t x) {
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  return x;
}

SLQ_INLINE uint32_t rng_output(uint64_t x) { return (uint32_t)((x * 0x2545F4914F6CDD1Dull) >> 32); }

/* ---- tiny float codes (learning-engine.md section 3) ---- */

typedef struct {
  int32_t exp_bits;
  int32_t mant_bits;
  int32_t is_signed;
} tiny_code;

static const tiny_code M8 = {4, 3, 1};
static const tiny_code M4 = {3, 0, 1};
static const tiny_code R8 = {4, 4, 0};
static const tiny_code R4 = {3, 1, 0};

SLQ_INLINE int32_t max_exp_field(const tiny_code *t) { return (1 << t->exp_bits) - 1; }

SLQ_INLINE int32_t top_bits(const tiny_code *t) {
  return t->is_signed ? t->mant_bits + max_exp_field(t) - 1 : t->mant_bits + max_exp_field(t);
}

SLQ_INLINE int64_t max_magnitude(const tiny_code *t) {
  int64_t mant = ((int64_t)2 << t->mant_bits) - 1;
  return t->is_signed ? mant << (max_exp_field(t) - 1) : mant << max_exp_field(t);
}

SLQ_INLINE int64_t decode(const tiny_code *t, int32_t code) {
  int32_t f = code & ((1 << t->mant_bits) - 1);
  int32_t e = (code >> t->mant_bits) & max_exp_field(t);
  if (!t->is_signed) {
    return (((int64_t)1 << t->mant_bits) + f) << e;
  }
  int64_t magnitude = e == 0 ? f : (((int64_t)1 << t->mant_bits) + f) << (e - 1);
  int32_t negative = (code >> (t->exp_bits + t->mant_bits)) & 1;
  return negative ? -magnitude : magnitude;
}

SLQ_INLINE int32_t encode_exact(const tiny_code *t, int64_t value) {
  int64_t magnitude = abs64(value);
  int64_t max = max_magnitude(t);
  if (magnitude > max) {
    magnitude = max;
  }
  if (!t->is_signed) {
    int64_t min = (int64_t)1 << t->mant_bits;
    if (magnitude < min) {
      magnitude = min;
    }
    int32_t e = bit_length(magnitude) - (t->mant_bits + 1);
    int32_t f = (int32_t)((magnitude >> e) - ((int64_t)1 << t->mant_bits));
    return e << t->mant_bits | f;
  }
  int32_t code;
  if (magnitude < ((int64_t)1 << t->mant_bits)) {
    code = (int32_t)magnitude;
  } else {
    int32_t e = bit_length(magnitude) - t->mant_bits;
    int32_t f = (int32_t)((magnitude >> (e - 1)) - ((int64_t)1 << t->mant_bits));
    code = e << t->mant_bits | f;
  }
  return value < 0 && magnitude != 0 ? code | 1 << (t->exp_bits + t->mant_bits) : code;
}

SLQ_INLINE int32_t round_stochastic(const tiny_code *t, int64_t x, int32_t shift, uint32_t random32) {
  int64_t a = abs64(x);
  if (shift < 0 && bit_length(a) - shift > 62) {
    return encode_exact(t, x < 0 ? -max_magnitude(t) : max_magnitude(t));
  }
  int64_t tq = shift_floor(a, shift);
  int32_t k = bit_length(tq) - (t->mant_bits + 1);
  if (k < 0) {
    k = 0;
  }
  int32_t d = shift + k;
  int64_t steps;
  if (d <= 0) {
    steps = a << -d;
  } else if (d > 62) {
    steps = 0;
  } else {
    uint64_t u = random32;
    int64_t offset = (int64_t)(d <= 32 ? u >> (32 - d) : u << (d - 32));
    steps = (a + offset) >> d;
  }
  int64_t magnitude = steps << k;
  return encode_exact(t, x < 0 ? -magnitude : magnitude);
}

/* ---- packing ---- */

SLQ_INLINE int32_t read_code(const uint8_t *codes, int32_t i, int32_t bits) {
  if (bits == 8) {
    return codes[i];
  }
  return (codes[i >> 1] >> ((i & 1) << 2)) & 0xF;
}

SLQ_INLINE void write_code(uint8_t *codes, int32_t i, int32_t bits, int32_t code) {
  if (bits == 8) {
    codes[i] = (uint8_t)code;
  } else {
    int32_t shift = (i & 1) << 2;
    codes[i >> 1] = (uint8_t)((codes[i >> 1] & ~(0xF << shift)) | (code & 0xF) << shift);
  }
}

/* ---- public ---- */

const char *slq_check_config(const slq_config *c) {
  if (c->state_bits != 8 && c->state_bits != 4) return "Adam state bits must be 8 or 4";
  if (c->block_size < 1 || c->block_size > SLQ_MAX_BLOCK) return "block size outside [1, 4096]";
  if (c->beta1_q20 < 0 || c->beta1_q20 > SLQ_MAX_BETA1_Q20) return "beta1 (Q0.20) outside [0, 1038090]";
  if (c->beta2_q20 < 0 || c->beta2_q20 >= SLQ_ONE_Q20) return "beta2 (Q0.20) outside [0, 2^20 - 1]";
  if (c->lr_q16 < 0 || c->lr_q16 > SLQ_MAX_LR_Q16) return "learning rate (Q16.16) outside [0, 2^24]";
  if (c->eps_exp < -200 || c->eps_exp > 64) return "eps exponent outside [-200, 64]";
  if (c->weight_bits < 2 || c->weight_bits > 16) return "weight bits outside [2, 16]";
  if (c->master_frac_bits < 0 || c->master_frac_bits > 15) return "master fraction bits outside [0, 15]";
  if (c->schedule != SLQ_DENSE && c->schedule != SLQ_LAZY && c->schedule != SLQ_CATCH_UP) {
    return "Adam schedule must be dense (0), lazy (1) or catch-up (2)";
  }
  if (c->schedule == SLQ_CATCH_UP && (c->beta2_q20 == 0 || slq_catch_up_ratio_q30(c) >= SLQ_ONE_Q30)) {
    return "the catch-up schedule needs beta1 < sqrt(beta2)";
  }
  return NULL;
}

int64_t slq_catch_up_ratio_q30(const slq_config *c) {
  return ((int64_t)c->beta1_q20 << 30) / sqrt_round((int64_t)c->beta2_q20 << 20);
}

int64_t slq_pow_floor(int64_t x, int32_t k, int32_t frac) {
  int64_t r = (int64_t)1 << frac;
  while (k > 0) {
    if (k & 1) r = (r * x) >> frac;
    k >>= 1;
    if (k > 0) x = (x * x) >> frac;
  }
  return r;
}

int32_t slq_code_bytes(int32_t length, int32_t state_bits) {
  return state_bits == 8 ? length : (length + 1) / 2;
}

int32_t slq_blocks(int32_t length, int32_t block_size) {
  return (length + block_size - 1) / block_size;
}

int32_t slq_master_min(const slq_config *c) {
  return -(1 << (c->weight_bits - 1)) * (1 << c->master_frac_bits);
}

int32_t slq_master_max(const slq_config *c) {
  return ((1 << (c->weight_bits - 1)) - 1) << c->master_frac_bits;
}

int32_t slq_core_weight(const slq_config *c, int32_t master) {
  return (int32_t)shift_round(master, c->master_frac_bits);
}

void slq_init(const slq_config *c, slq_state *s, uint64_t seed) {
  int32_t code_bytes = slq_code_bytes(s->length, c->state_bits);
  int32_t blocks = slq_blocks(s->length, c->block_size);
  for (int32_t i = 0; i < code_bytes; i++) {
    s->m_codes[i] = 0;
    s->r_codes[i] = 0;
  }
  for (int32_t b = 0; b < blocks; b++) {
    s->m_scales[b] = SLQ_EMPTY_SCALE;
    s->r_scales[b] = SLQ_EMPTY_SCALE;
  }
  if (c->schedule == SLQ_CATCH_UP) {
    for (int32_t b = 0; b < blocks; b++) s->block_steps[b] = 0;
  }
  s->step = 0;
  s->beta1_pow = SLQ_ONE_Q30;
  s->beta2_pow = SLQ_ONE_Q30;
  s->rng = slq_seed(seed);
}

static int32_t clamp_scale(int32_t s) { return s < -128 ? -128 : (s > 127 ? 127 : s); }

static int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }

static int32_t max32(int32_t a, int32_t b) { return a > b ? a : b; }

/* The step after the input checks, for one state width (mc, rc, bits constant per call site),
 * over every block (listed == NULL) or listed[0..count). */
SLQ_INLINE void step_blocks(const slq_config *c, slq_state *s, const int32_t *grad,
                            int32_t grad_exp, int32_t *master, int32_t *weights, int64_t *scratch,
                            const tiny_code *mc, const tiny_code *rc, const int32_t bits,
                            const int32_t *listed, int32_t count) {
  const int32_t n = s->length;
  const int32_t master_min = slq_master_min(c);
  const int32_t master_max = slq_master_max(c);
  const int32_t block = c->block_size;
  const int64_t b1 = c->beta1_q20;
  const int64_t b2 = c->beta2_q20;
  const int64_t one = SLQ_ONE_Q20;
  const int64_t one_q30 = SLQ_ONE_Q30;
  const int32_t top_m = top_bits(mc);
  const int32_t top_r = top_bits(rc);
  int64_t *scratch_m = scratch;
  int64_t *scratch_r = scratch + block;

  /* Per-step scalars: beta powers (floored), sqrt(1 - beta2^t) in Q0.30, F in Q16.16. */
  int32_t beta1_pow = (int32_t)(((int64_t)s->beta1_pow * b1) >> 20);
  int32_t beta2_pow = (int32_t)(((int64_t)s->beta2_pow * b2) >> 20);
  int64_t s2 = sqrt_round((one_q30 - beta2_pow) << 30);
  int64_t f = ((int64_t)c->lr_q16 * s2) / (one_q30 - beta1_pow);
  uint64_t rng = s->rng;
  const int32_t catch_up = c->schedule == SLQ_CATCH_UP;
  const int32_t t = s->step + 1;
  /* Catch-up brings a block to update t - 1 with that update's bias corrections. */
  int64_t s2_prev = 0, f_prev = 0, ratio_q30 = 0;
  if (catch_up && s->step > 0) {
    s2_prev = sqrt_round((one_q30 - s->beta2_pow) << 30);
    f_prev = ((int64_t)c->lr_q16 * s2_prev) / (one_q30 - s->beta1_pow);
    ratio_q30 = slq_catch_up_ratio_q30(c);
  }
  int32_t cu_k = 0;
  int64_t cu_d1 = 0, cu_d2 = 0, cu_fs = 0;
  const int32_t n_blocks = listed == NULL ? slq_blocks(n, block) : count;

  for (int32_t kb = 0; kb < n_blocks; kb++) {
    const int32_t b = listed == NULL ? kb : listed[kb];
    const int32_t lo = b * block;
    const int32_t hi = lo + block < n ? lo + block : n;
    if (c->schedule != SLQ_DENSE) {
      /* lazy: a block without gradient keeps codes, scales and masters, and draws nothing */
      int32_t touched = 0;
      for (int32_t i = lo; i < hi && !touched; i++) touched = grad[i] != 0;
      if (!touched) continue;
    }
    int32_t sm = s->m_scales[b];
    int32_t sr = s->r_scales[b];
    int32_t skipped = 0;
    if (catch_up) {
      skipped = t - 1 - s->block_steps[b]; /* block_steps[b] in [0, t - 1]: slq_step checks */
      s->block_steps[b] = t;
      if (skipped > 0) {
        if (skipped != cu_k) {
          /* beta1^k, beta2^k (Q0.20); FS = min(F * S_k >> 20, 2^38), S_k = r (1 - r^k) / (1 - r)
           * in Q0.20 capped at 2^31 - 1 */
          cu_k = skipped;
          cu_d1 = slq_pow_floor(b1, skipped, 20);
          cu_d2 = slq_pow_floor(b2, skipped, 20);
          int64_t rk = slq_pow_floor(ratio_q30, skipped, 30);
          int64_t sum = ((ratio_q30 - ((ratio_q30 * rk) >> 30)) << 20) / (one_q30 - ratio_q30);
          if (sum > CATCH_UP_SUM_LIMIT) sum = CATCH_UP_SUM_LIMIT;
          cu_fs = (f_prev * sum) >> 20;
          if (cu_fs > CATCH_UP_STEP_LIMIT) cu_fs = CATCH_UP_STEP_LIMIT;
        }
        /* Pass 0: the momentum moves of the skipped updates, from the stored (old) codes. */
        int64_t eps_prev = shift_clamp(s2_prev, c->eps_exp - sr - 22, EPS_LIMIT);
        for (int32_t i = lo; i < hi; i++) {
          int64_t dm = decode(mc, read_code(s->m_codes, i, bits));
          int64_t den = (decode(rc, read_code(s->r_codes, i, bits)) << 8) + eps_prev;
          int64_t q = dm >= 0 ? (dm << 32) / den : -((-dm << 32) / den);
          int64_t ratio = shift_clamp(q, sm - sr - 8, RATIO_LIMIT_Q16);
          rng = rng_advance(rng);
          int64_t u = rng_output(rng);
          int64_t moved = master[i] - ((cu_fs * ratio + u) >> 32);
          master[i] = (int32_t)(moved < master_min ? master_min : (moved > master_max ? master_max : moved));
        }
      }
    }
    /* Pass 1: decode the stored block (caught up: m times beta1^k at exponent sm - 20), find the
     * magnitudes that fix the wide frames. */
    int64_t max_dm = 0, max_dr = 0, max_g = 0;
    for (int32_t i = lo; i < hi; i++) {
      int64_t dm = decode(mc, read_code(s->m_codes, i, bits));
      int64_t dr = decode(rc, read_code(s->r_codes, i, bits));
      if (skipped > 0) dm *= cu_d1;
      scratch_m[i - lo] = dm;
      scratch_r[i - lo] = dr;
      max_dm = max64(max_dm, abs64(dm));
      max_dr = max64(max_dr, dr);
      max_g = max64(max_g, abs64(grad[i]));
    }
    const int32_t m_exp = skipped > 0 ? sm - 20 : sm;
    /* v = sqrt(v)^2 at exponent 2 sr (caught up: times beta2^k at exponent 2 sr - 20) */
    const int64_t d2 = skipped > 0 ? cu_d2 : 1;
    const int64_t max_v = max_dr * max_dr * d2;
    const int32_t v_exp = skipped > 0 ? 2 * sr - 20 : 2 * sr;
    /* Wide frames: m at em with |m| < 2^30, v at even ev with v < 2^40; frames follow the
     * nonzero terms only. */
    int32_t em = 0;
    if (max_dm != 0 || max_g != 0) {
      em = max32(max_dm == 0 ? INT32_MIN : m_exp + bit_length(max_dm),
                 max_g == 0 ? INT32_MIN : grad_exp + bit_length(max_g)) - 30;
    }
    int32_t ev = max32(max_v == 0 ? INT32_MIN : v_exp + bit_length(max_v),
                       max_g == 0 ? INT32_MIN : 2 * grad_exp + bit_length(max_g * max_g)) - 40;
    if ((ev & 1) != 0) {
      ev++;
    }
    int32_t er = ev / 2;
    /* Pass 2: the moment updates in the wide frames. */
    int64_t max_m = 0, max_r = 0;
    for (int32_t i = lo; i < hi; i++) {
      int64_t g = grad[i];
      int64_t m_old = shift_round(scratch_m[i - lo], em - m_exp);
      int64_t g_wide = shift_round(g, em - grad_exp);
      int64_t m = shift_round(b1 * m_old + (one - b1) * g_wide, 20);
      int64_t dr = scratch_r[i - lo];
      int64_t v_old = shift_round(dr * dr * d2, ev - v_exp);
      int64_t g2 = shift_round(g * g, ev - 2 * grad_exp);
      int64_t r = sqrt_round(shift_round(b2 * v_old + (one - b2) * g2, 20));
      scratch_m[i - lo] = m;
      scratch_r[i - lo] = r;
      max_m = max64(max_m, abs64(m));
      max_r = max64(max_r, r);
    }
    /* New block scales put the block maximum just below the code's 2^T. */
    int32_t sm_new = max_m == 0 ? SLQ_EMPTY_SCALE : clamp_scale(em + bit_length(max_m) - top_m);
    int32_t sr_new = max_r == 0 ? SLQ_EMPTY_SCALE : clamp_scale(er + bit_length(max_r) - top_r);
    s->m_scales[b] = (int8_t)sm_new;
    s->r_scales[b] = (int8_t)sr_new;
    int64_t eps_term = shift_clamp(s2, c->eps_exp - sr_new - 22, EPS_LIMIT);
    /* Pass 3: per element draw m, r, w in this order; store codes; update from stored codes. */
    for (int32_t i = lo; i < hi; i++) {
      rng = rng_advance(rng);
      int32_t cm = round_stochastic(mc, scratch_m[i - lo], sm_new - em, rng_output(rng));
      rng = rng_advance(rng);
      int32_t cr = round_stochastic(rc, scratch_r[i - lo], sr_new - er, rng_output(rng));
      write_code(s->m_codes, i, bits, cm);
      write_code(s->r_codes, i, bits, cr);
      int64_t dm = decode(mc, cm);
      int64_t den = (decode(rc, cr) << 8) + eps_term;
      int64_t q = dm >= 0 ? (dm << 32) / den : -((-dm << 32) / den);
      int64_t ratio = shift_clamp(q, sm_new - sr_new - 8, RATIO_LIMIT_Q16);
      rng = rng_advance(rng);
      int64_t u = rng_output(rng);
      int64_t delta = (f * ratio + u) >> 32;
      int64_t updated = master[i] - delta;
      updated = updated < master_min ? master_min : (updated > master_max ? master_max : updated);
      master[i] = (int32_t)updated;
      weights[i] = (int32_t)shift_round(updated, c->master_frac_bits);
    }
  }
  s->step += 1;
  s->beta1_pow = beta1_pow;
  s->beta2_pow = beta2_pow;
  s->rng = rng;
}

/* The checks of one block's elements (and its catch-up counter); NULL when they hold. */
static const char *check_block(const slq_config *c, const slq_state *s, const int32_t *grad,
                               const int32_t *master, int32_t b) {
  const int32_t master_min = slq_master_min(c);
  const int32_t master_max = slq_master_max(c);
  const int32_t lo = b * c->block_size;
  const int32_t hi = lo + c->block_size < s->length ? lo + c->block_size : s->length;
  for (int32_t i = lo; i < hi; i++) {
    if (grad[i] < -SLQ_MAX_GRADIENT || grad[i] > SLQ_MAX_GRADIENT) {
      return "gradient integer outside [-32767, 32767]";
    }
    if (master[i] < master_min || master[i] > master_max) return "master weight out of range";
  }
  if (c->schedule == SLQ_CATCH_UP && (s->block_steps[b] < 0 || s->block_steps[b] > s->step)) {
    return "catch-up block step counter outside [0, step]";
  }
  return NULL;
}

static const char *check_step(const slq_state *s, int32_t grad_exp) {
  if (s->step == INT32_MAX) return "Adam step counter is at its limit 2^31 - 1";
  if (grad_exp < -SLQ_MAX_GRADIENT_EXP || grad_exp > SLQ_MAX_GRADIENT_EXP) {
    return "gradient exponent outside [-1000, 1000]";
  }
  return NULL;
}

static void run_step(const slq_config *c, slq_state *s, const int32_t *grad, int32_t grad_exp,
                     int32_t *master, int32_t *weights, int64_t *scratch, const int32_t *listed,
                     int32_t count) {
  if (c->state_bits == 8) {
    step_blocks(c, s, grad, grad_exp, master, weights, scratch, &M8, &R8, 8, listed, count);
  } else {
    step_blocks(c, s, grad, grad_exp, master, weights, scratch, &M4, &R4, 4, listed, count);
  }
}

const char *slq_step(const slq_config *c, slq_state *s, const int32_t *grad, int32_t grad_exp,
                     int32_t *master, int32_t *weights, int64_t *scratch) {
  const char *bad = check_step(s, grad_exp);
  for (int32_t b = 0; bad == NULL && b < slq_blocks(s->length, c->block_size); b++) {
    bad = check_block(c, s, grad, master, b);
  }
  if (bad != NULL) return bad;
  run_step(c, s, grad, grad_exp, master, weights, scratch, NULL, 0);
  return NULL;
}

const char *slq_step_listed(const slq_config *c, slq_state *s, const int32_t *grad,
                            int32_t grad_exp, int32_t *master, int32_t *weights, int64_t *scratch,
                            const int32_t *blocks, int32_t count) {
  if (c->schedule == SLQ_DENSE) return "listed blocks need the lazy or catch-up schedule";
  const char *bad = check_step(s, grad_exp);
  const int32_t n_blocks = slq_blocks(s->length, c->block_size);
  for (int32_t k = 0; bad == NULL && k < count; k++) {
    if (blocks[k] < 0 || blocks[k] >= n_blocks || (k > 0 && blocks[k] <= blocks[k - 1])) {
      return "listed blocks must be ascending, distinct and inside the tensor";
    }
    bad = check_block(c, s, grad, master, blocks[k]);
  }
  if (bad != NULL) return bad;
  run_step(c, s, grad, grad_exp, master, weights, scratch, blocks, count);
  return NULL;
}
