/*
 * Streebog: the GOST R 34.11-2012 hash function (RFC 6986), 512-bit and 256-bit hash codes.
 *
 * Compiled to WebAssembly (wasm32, freestanding, no libc) by scripts/build-streebog-wasm.mjs and
 * driven by streebog.ts. Written from the text of RFC 6986; section numbers below are the RFC's.
 *
 * Byte order
 * ----------
 * RFC 6986 §4.2 numbers the components of a vector from right to left starting at zero, and the
 * examples of §10 print vectors as hexadecimal numbers, most significant digit first. A message
 * that is the byte string b[0] b[1] ... b[n-1] is the vector b[n-1]||...||b[1]||b[0]: its first
 * byte is the least significant component a_0. That is why M1, the ASCII text "0123...9012", is
 * printed in §10.1 as 3231...3130. Here every vector of V_512 is held as 64 bytes with a_i at
 * offset i, which on WebAssembly (little-endian) is eight 64-bit words, word k holding the
 * subvector a_k of V_64 that §7's transformation L works on.
 *
 * The hash code is produced the same way round: the digest byte string is the RFC's printed
 * number read from its last byte to its first (H(M1) printed as 00557be5...ef1e159d for 256 bits
 * is the byte string 9d 15 1e ef ... e5 7b 55 00). This byte string is what OpenSSL's gost
 * engine prints for `openssl dgst -md_gost12_256` and what CMS carries in message-digest.
 *
 * Speed
 * -----
 * §7's S (byte substitution Pi), P (byte permutation Tau) and L (64-bit linear map l) are
 * applied together: LPS(a) word k = XOR over j of T[j][a_(8j+k)], where T[j][v] is l applied to
 * Pi(v) placed in byte j of a 64-bit word. The eight tables (16 KiB) are computed once by
 * streebog_setup() from Pi and the matrix A when the module is instantiated, so this file holds
 * only the RFC's own constants.
 *
 * Three details make the WebAssembly fast under V8 (about 1.2 x a plain C rendering, measured):
 *  - the tables sit at a fixed address below the linker's data (TABLE_BASE; the build links with
 *    --global-base=32768 and streebog_setup() checks it), so a table index OR-ed with the table's
 *    address folds into the load's constant offset: one load per lookup, no address arithmetic;
 *  - each output word is one sequential XOR chain (KEEP): left alone, clang reassociates the
 *    64 lookups into trees whose many live values V8's register allocator spills to the stack;
 *  - the round function's working vectors live in memory, not in locals, for the same reason.
 *
 * Interface
 * ---------
 * One state area, one 64 KiB input area and one digest area live in this module's memory. The
 * caller (streebog.ts) keeps each hasher's state outside and copies it in and out around a call,
 * so any number of hashes can be in progress at once with one instance, and memory stays flat
 * whatever the message size: the message passes through the input area in chunks.
 */

#include <stdint.h>

#define BLOCK_BYTES 64
#define INPUT_CAPACITY 65536

/* §6.2: the nonlinear bijection Pi', as the array (Pi'(0), Pi'(1), ..., Pi'(255)). */
static const uint8_t PI[256] = {
    252, 238, 221, 17,  207, 110, 49,  22,  251, 196, 250, 218, 35,  197, 4,   77,  233, 119, 240, 219, 147, 46,
    153, 186, 23,  54,  241, 187, 20,  205, 95,  193, 249, 24,  101, 90,  226, 92,  239, 33,  129, 28,  60,  66,
    139, 1,   142, 79,  5,   132, 2,   174, 227, 106, 143, 160, 6,   11,  237, 152, 127, 212, 211, 31,  235, 52,
    44,  81,  234, 200, 72,  171, 242, 42,  104, 162, 253, 58,  206, 204, 181, 112, 14,  86,  8,   12,  118, 18,
    191, 114, 19,  71,  156, 183, 93,  135, 21,  161, 150, 41,  16,  123, 154, 199, 243, 145, 120, 111, 157, 158,
    178, 177, 50,  117, 25,  61,  255, 53,  138, 126, 109, 84,  198, 128, 195, 189, 13,  87,  223, 245, 36,  169,
    62,  168, 67,  201, 215, 121, 214, 246, 124, 34,  185, 3,   224, 15,  236, 222, 122, 148, 176, 188, 220, 232,
    40,  80,  78,  51,  10,  74,  167, 151, 96,  115, 30,  0,   98,  68,  26,  184, 56,  130, 100, 159, 38,  65,
    173, 69,  70,  146, 39,  94,  85,  47,  140, 163, 165, 125, 105, 213, 149, 59,  7,   88,  179, 64,  134, 172,
    29,  247, 48,  55,  107, 228, 136, 217, 231, 137, 225, 27,  131, 73,  76,  63,  248, 254, 141, 83,  170, 144,
    202, 216, 133, 97,  32,  113, 103, 164, 45,  43,  9,   91,  203, 155, 37,  208, 190, 229, 108, 82,  89,  166,
    116, 210, 230, 244, 180, 192, 209, 102, 175, 194, 57,  75,  99,  182,
};

/*
 * §6.3: the byte permutation Tau = (0, 8, 16, ..., 56, 1, 9, ..., 63), i.e. Tau(8k + j) = 8j + k:
 * the transposition of the 64 bytes seen as an 8 x 8 matrix. §7 defines P(a) as
 * a_Tau(63)||...||a_Tau(0), so byte j of word k after P is byte k of word j before it. lps()
 * below applies it through its indexing instead of as a table.
 */

/*
 * §6.4: the rows A_0 ... A_63 of the matrix A of the linear transformation l, in the RFC's
 * order (four rows per line). l(b_63...b_0) = b_63 A_0 xor b_62 A_1 xor ... xor b_0 A_63.
 */
static const uint64_t A[64] = {
    0x8e20faa72ba0b470ULL, 0x47107ddd9b505a38ULL, 0xad08b0e0c3282d1cULL, 0xd8045870ef14980eULL,
    0x6c022c38f90a4c07ULL, 0x3601161cf205268dULL, 0x1b8e0b0e798c13c8ULL, 0x83478b07b2468764ULL,
    0xa011d380818e8f40ULL, 0x5086e740ce47c920ULL, 0x2843fd2067adea10ULL, 0x14aff010bdd87508ULL,
    0x0ad97808d06cb404ULL, 0x05e23c0468365a02ULL, 0x8c711e02341b2d01ULL, 0x46b60f011a83988eULL,
    0x90dab52a387ae76fULL, 0x486dd4151c3dfdb9ULL, 0x24b86a840e90f0d2ULL, 0x125c354207487869ULL,
    0x092e94218d243cbaULL, 0x8a174a9ec8121e5dULL, 0x4585254f64090fa0ULL, 0xaccc9ca9328a8950ULL,
    0x9d4df05d5f661451ULL, 0xc0a878a0a1330aa6ULL, 0x60543c50de970553ULL, 0x302a1e286fc58ca7ULL,
    0x18150f14b9ec46ddULL, 0x0c84890ad27623e0ULL, 0x0642ca05693b9f70ULL, 0x0321658cba93c138ULL,
    0x86275df09ce8aaa8ULL, 0x439da0784e745554ULL, 0xafc0503c273aa42aULL, 0xd960281e9d1d5215ULL,
    0xe230140fc0802984ULL, 0x71180a8960409a42ULL, 0xb60c05ca30204d21ULL, 0x5b068c651810a89eULL,
    0x456c34887a3805b9ULL, 0xac361a443d1c8cd2ULL, 0x561b0d22900e4669ULL, 0x2b838811480723baULL,
    0x9bcf4486248d9f5dULL, 0xc3e9224312c8c1a0ULL, 0xeffa11af0964ee50ULL, 0xf97d86d98a327728ULL,
    0xe4fa2054a80b329cULL, 0x727d102a548b194eULL, 0x39b008152acb8227ULL, 0x9258048415eb419dULL,
    0x492c024284fbaec0ULL, 0xaa16012142f35760ULL, 0x550b8e9e21f7a530ULL, 0xa48b474f9ef5dc18ULL,
    0x70a6a56e2440598eULL, 0x3853dc371220a247ULL, 0x1ca76e95091051adULL, 0x0edd37c48a08a6d8ULL,
    0x07e095624504536cULL, 0x8d70c431ac02a736ULL, 0xc83862965601dd1bULL, 0x641c314b2b8ee083ULL,
};

/*
 * §6.5: the iteration constants C[1] ... C[12], written exactly as the RFC prints them (128 hex
 * digits, most significant first). streebog_setup() turns them into words, least significant
 * word first.
 */
static const char *const C_HEX[12] = {
    "b1085bda1ecadae9ebcb2f81c0657c1f" "2f6a76432e45d016714eb88d7585c4fc"
    "4b7ce09192676901a2422a08a460d315" "05767436cc744d23dd806559f2a64507",
    "6fa3b58aa99d2f1a4fe39d460f70b5d7" "f3feea720a232b9861d55e0f16b50131"
    "9ab5176b12d699585cb561c2db0aa7ca" "55dda21bd7cbcd56e679047021b19bb7",
    "f574dcac2bce2fc70a39fc286a3d8435" "06f15e5f529c1f8bf2ea7514b1297b7b"
    "d3e20fe490359eb1c1c93a376062db09" "c2b6f443867adb31991e96f50aba0ab2",
    "ef1fdfb3e81566d2f948e1a05d71e4dd" "488e857e335c3c7d9d721cad685e353f"
    "a9d72c82ed03d675d8b71333935203be" "3453eaa193e837f1220cbebc84e3d12e",
    "4bea6bacad4747999a3f410c6ca92363" "7f151c1f1686104a359e35d7800fffbd"
    "bfcd1747253af5a3dfff00b723271a16" "7a56a27ea9ea63f5601758fd7c6cfe57",
    "ae4faeae1d3ad3d96fa4c33b7a3039c0" "2d66c4f95142a46c187f9ab49af08ec6"
    "cffaa6b71c9ab7b40af21f66c2bec6b6" "bf71c57236904f35fa68407a46647d6e",
    "f4c70e16eeaac5ec51ac86febf240954" "399ec6c7e6bf87c9d3473e33197a93c9"
    "0992abc52d822c3706476983284a0504" "3517454ca23c4af38886564d3a14d493",
    "9b1f5b424d93c9a703e7aa020c6e4141" "4eb7f8719c36de1e89b4443b4ddbc49a"
    "f4892bcb929b069069d18d2bd1a5c42f" "36acc2355951a8d9a47f0dd4bf02e71e",
    "378f5a541631229b944c9ad8ec165fde" "3a7d3a1b258942243cd955b7e00d0984"
    "800a440bdbb2ceb17b2b8a9aa6079c54" "0e38dc92cb1f2a607261445183235adb",
    "abbedea680056f52382ae548b2e4f3f3" "8941e71cff8a78db1fffe18a1b336103"
    "9fe76702af69334b7a1e6c303b7652f4" "3698fad1153bb6c374b4c7fb98459ced",
    "7bcd9ed0efc889fb3002c6cd635afe94" "d8fa6bbbebab07612001802114846679"
    "8a1d71efea48b9caefbacd1d7d476e98" "dea2594ac06fd85d6bcaa4cd81f32d1b",
    "378ee767f11631bad21380b00449b17a" "cda43c32bcdf1d77f82012d430219f9b"
    "5d80ef9d1891cc86e71da4aa88e12852" "faf417d5d9b21b9948bc924af11bd720",
};

/*
 * The combined LPS tables T[j][v] = l(Pi(v) << 8j) (see "Speed" above), 8 x 256 words at
 * TABLE_BASE .. TABLE_BASE + 16 KiB, below the linker's data (--global-base=32768). `scaled` is
 * 8 v, at most 2040, so OR-ing it with TABLE_BASE + 2048 j is an addition the compiler can fold
 * into the load's offset.
 */
#define TABLE_BASE 16384u
#define TABLE_END (TABLE_BASE + 8u * 256u * 8u)
#define TABLE_ENTRY(j, scaled) (*(uint64_t *)(uintptr_t)((uint32_t)(scaled) | (TABLE_BASE + 2048u * (uint32_t)(j))))

/* Filled by streebog_setup(). */
static uint64_t C[12][8]; /* C[i-1] = C[i] of §6.5, word 0 least significant */
static int ready;

/* A hash in progress. streebog.ts copies this many bytes (streebog_state_size()) in and out. */
typedef struct {
    uint64_t h[8];       /* §9 h: the chaining value */
    uint64_t n[8];       /* §9 N: message bits processed so far, mod 2^512 */
    uint64_t sigma[8];   /* §9 EPSILON: sum of the processed blocks, mod 2^512 */
    uint8_t block[64];   /* message bytes not yet processed (always fewer than 64) */
    uint32_t block_length;
    uint32_t digest_bits; /* 512 or 256 */
} streebog_state;

static streebog_state state;
static uint8_t input[INPUT_CAPACITY] __attribute__((aligned(16)));
static uint8_t digest[64] __attribute__((aligned(16)));

static uint64_t load64(const uint8_t *bytes) {
    uint64_t word;
    __builtin_memcpy(&word, bytes, 8); /* little-endian, as the byte order above requires */
    return word;
}

static uint64_t hex_digit(char c) {
    if (c >= '0' && c <= '9') return (uint64_t)(c - '0');
    return (uint64_t)(c - 'a' + 10);
}

/* §6.4: c = b A over GF(2), b_63 (the most significant bit) selecting row A_0. */
static uint64_t linear_l(uint64_t b) {
    uint64_t c = 0;
    for (int i = 0; i < 64; i++) {
        if ((b >> i) & 1) c ^= A[63 - i];
    }
    return c;
}

/* An optimisation barrier: x must be computed here, in this order (see "Speed" above). */
#define KEEP(x) __asm__ volatile("" : "+r"(x))

/* Byte k of word w, times 8: the index of its entry in a table. */
#define SCALED_BYTE(w, k) (((uint32_t)((w) >> (8 * (k))) << 3) & 2040u)

/* out := LPS(in), §7: S then P then L, from the combined tables; out and in do not overlap. */
static void lps(uint64_t *out, const uint64_t *in) {
    const uint64_t w0 = in[0], w1 = in[1], w2 = in[2], w3 = in[3], w4 = in[4], w5 = in[5], w6 = in[6], w7 = in[7];
#pragma clang loop unroll(full)
    for (int k = 0; k < 8; k++) {
        /* word k of P(S(a)) is byte k of every word j of a (Tau), through l (L) */
        uint64_t word = TABLE_ENTRY(0, SCALED_BYTE(w0, k));
        KEEP(word);
        word ^= TABLE_ENTRY(1, SCALED_BYTE(w1, k));
        KEEP(word);
        word ^= TABLE_ENTRY(2, SCALED_BYTE(w2, k));
        KEEP(word);
        word ^= TABLE_ENTRY(3, SCALED_BYTE(w3, k));
        KEEP(word);
        word ^= TABLE_ENTRY(4, SCALED_BYTE(w4, k));
        KEEP(word);
        word ^= TABLE_ENTRY(5, SCALED_BYTE(w5, k));
        KEEP(word);
        word ^= TABLE_ENTRY(6, SCALED_BYTE(w6, k));
        KEEP(word);
        word ^= TABLE_ENTRY(7, SCALED_BYTE(w7, k));
        out[k] = word;
    }
}

/* The round function's working vectors (in memory, see "Speed" above). */
static uint64_t key[8], text[8], substituted[8];

/*
 * §8, the round function: g_N(h, m) = E(LPS(h xor N), m) xor h xor m, where
 * E(K, m) = X[K13] LPS X[K12] ... LPS X[K1] (m), K1 = K, K(i) = LPS(K(i-1) xor C(i-1)).
 * h is updated in place; pass a zero vector as n for g_0.
 */
static void g(uint64_t h[8], const uint64_t n[8], const uint64_t m[8]) {
    for (int i = 0; i < 8; i++) text[i] = h[i] ^ n[i];
    lps(key, text);                                      /* K1 = LPS(h xor N) */
    for (int i = 0; i < 8; i++) text[i] = key[i] ^ m[i]; /* X[K1](m) */
    for (int round = 0; round < 12; round++) {
        lps(substituted, text);                                        /* LPS X[K(i)] ... */
        for (int i = 0; i < 8; i++) text[i] = key[i] ^ C[round][i];
        lps(key, text);                                                /* K(i+1) = LPS(K(i) xor C(i)) */
        for (int i = 0; i < 8; i++) text[i] = key[i] ^ substituted[i]; /* X[K(i+1)] */
    }
    for (int i = 0; i < 8; i++) h[i] ^= text[i] ^ m[i]; /* E(K, m) xor h xor m */
}

/* The 512-bit adder of §9 (Vec_512(Int_512(a) [+] Int_512(b))): a := a + b mod 2^512. */
static void add512(uint64_t a[8], const uint64_t b[8]) {
    uint64_t carry = 0;
    for (int i = 0; i < 8; i++) {
        const uint64_t sum = a[i] + b[i];
        const uint64_t with_carry = sum + carry;
        carry = (uint64_t)(sum < a[i]) | (uint64_t)(with_carry < sum);
        a[i] = with_carry;
    }
}

/* N := N [+] bits, for the small additions of steps 2.4 and 3.3. */
static void add_bits(uint64_t n[8], uint64_t bits) {
    const uint64_t addend[8] = {bits, 0, 0, 0, 0, 0, 0, 0};
    add512(n, addend);
}

/* Step 2 for one 512-bit subvector m of the message (the next 64 bytes of the byte string). */
static void stage2_block(streebog_state *s, const uint8_t *bytes) {
    uint64_t m[8];
    for (int i = 0; i < 8; i++) m[i] = load64(bytes + 8 * i);
    g(s->h, s->n, m);   /* 2.3 h := g_N(h, m) */
    add_bits(s->n, 512); /* 2.4 N := N [+] 512 */
    add512(s->sigma, m); /* 2.5 EPSILON := EPSILON [+] m */
}

/*
 * Computes the combined LPS tables and the iteration constants. Called once after the module is
 * instantiated (streebog.ts does it); later calls do nothing. Returns 0 when the module was linked
 * without room for the tables below its data (--global-base), 1 when ready.
 */
__attribute__((export_name("streebog_setup"))) int streebog_setup(void) {
    if (ready) return 1;
    if ((uintptr_t)PI < TABLE_END || (uintptr_t)&state < TABLE_END || (uintptr_t)C < TABLE_END) return 0;
    for (int j = 0; j < 8; j++) {
        for (uint32_t v = 0; v < 256; v++) TABLE_ENTRY(j, 8u * v) = linear_l((uint64_t)PI[v] << (8 * j));
    }
    for (int i = 0; i < 12; i++) {
        for (int word = 0; word < 8; word++) {
            /* word 0 is the last 16 hex digits of the printed number */
            const char *digits = C_HEX[i] + 16 * (7 - word);
            uint64_t value = 0;
            for (int d = 0; d < 16; d++) value = (value << 4) | hex_digit(digits[d]);
            C[i][word] = value;
        }
    }
    ready = 1;
    return 1;
}

/* Step 1: starts a hash in the state area; digest_bits is 512 or 256 (§6.1 chooses IV). */
__attribute__((export_name("streebog_init"))) void streebog_init(uint32_t digest_bits) {
    const uint64_t iv_word = digest_bits == 256 ? 0x0101010101010101ULL : 0; /* (00000001)^64 or 0^512 */
    for (int i = 0; i < 8; i++) {
        state.h[i] = iv_word;
        state.n[i] = 0;
        state.sigma[i] = 0;
    }
    state.block_length = 0;
    state.digest_bits = digest_bits == 256 ? 256 : 512;
}

/*
 * Step 2 over the next `length` bytes of the message, taken from the input area. Step 2 runs
 * while at least 512 bits remain, so a complete block is processed as soon as it is whole; the
 * remainder (fewer than 64 bytes) waits in the state for more data or for step 3.
 */
__attribute__((export_name("streebog_update"))) void streebog_update(uint32_t length) {
    const uint8_t *bytes = input;
    if (length > INPUT_CAPACITY) length = INPUT_CAPACITY;
    if (state.block_length > 0) {
        while (length > 0 && state.block_length < BLOCK_BYTES) {
            state.block[state.block_length++] = *bytes++;
            length--;
        }
        if (state.block_length < BLOCK_BYTES) return;
        stage2_block(&state, state.block);
        state.block_length = 0;
    }
    while (length >= BLOCK_BYTES) {
        stage2_block(&state, bytes);
        bytes += BLOCK_BYTES;
        length -= BLOCK_BYTES;
    }
    for (uint32_t i = 0; i < length; i++) state.block[i] = bytes[i];
    state.block_length = length;
}

/* Step 3: pads and finishes the hash in the state area; the hash code goes to the digest area. */
__attribute__((export_name("streebog_final"))) void streebog_final(void) {
    static const uint64_t zero[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    uint8_t padded[64];
    uint64_t m[8];
    const uint32_t length = state.block_length;
    /* 3.1 m := 0^(511-|M|) || 1 || M: the remaining bytes, then a byte 0x01, then zero bytes */
    for (uint32_t i = 0; i < 64; i++) padded[i] = i < length ? state.block[i] : (i == length ? 1 : 0);
    for (int i = 0; i < 8; i++) m[i] = load64(padded + 8 * i);
    g(state.h, state.n, m);               /* 3.2 h := g_N(h, m) */
    add_bits(state.n, 8 * (uint64_t)length); /* 3.3 N := N [+] |M| */
    add512(state.sigma, m);                /* 3.4 EPSILON := EPSILON [+] m */
    g(state.h, zero, state.n);             /* 3.5 h := g_0(h, N) */
    g(state.h, zero, state.sigma);         /* 3.6 h := g_0(h, EPSILON) */
    /* 512 bits: all of h; 256 bits: MSB_256(h), the upper four words, i.e. bytes 32..63 */
    const int first_word = state.digest_bits == 256 ? 4 : 0;
    for (int i = first_word; i < 8; i++) __builtin_memcpy(digest + 8 * (i - first_word), &state.h[i], 8);
}

__attribute__((export_name("streebog_state_address"))) uint32_t streebog_state_address(void) {
    return (uint32_t)(uintptr_t)&state;
}

__attribute__((export_name("streebog_state_size"))) uint32_t streebog_state_size(void) {
    return (uint32_t)sizeof(streebog_state);
}

__attribute__((export_name("streebog_input_address"))) uint32_t streebog_input_address(void) {
    return (uint32_t)(uintptr_t)input;
}

__attribute__((export_name("streebog_input_capacity"))) uint32_t streebog_input_capacity(void) {
    return INPUT_CAPACITY;
}

__attribute__((export_name("streebog_digest_address"))) uint32_t streebog_digest_address(void) {
    return (uint32_t)(uintptr_t)digest;
}
