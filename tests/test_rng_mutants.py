"""The RNG kernels against independent references: xoshiro256**'s published known-answer
vector and the Python transcription (naive.Xoshiro) at each entry point, with the extreme
outputs; the bulk SeedSequence children against numpy itself, called directly, at the
word boundaries of the child index and for entropy shorter and longer than the pool."""

import numpy as np
import pytest

from refsim._kernels import seedseq, xoshiro
from naive import MASK, Xoshiro, xoshiro_state_for

# xoshiro256** from the state (1, 2, 3, 4): the outputs of Blackman & Vigna's reference C
# code, as published in the known-answer tests of other implementations (rand_xoshiro)
KNOWN_ANSWERS = [11520, 0, 1509978240, 1215971899390074240, 1216172134540287360,
                 607988272756665600, 16172922978634559625, 8476171486693032832,
                 10595114339597558777, 2904607092377533576]


def _states():
    """A few states: the reference one, high bits everywhere, and SeedSequence words."""
    seeded = np.random.SeedSequence(17).generate_state(12, np.uint64).reshape(3, 4)
    return [np.array([1, 2, 3, 4], np.uint64), np.full(4, MASK - 5, np.uint64), *seeded]


def test_next_u64_gives_the_known_answers_and_advances_the_state_in_place():
    s = np.array([1, 2, 3, 4], dtype=np.uint64)
    assert [int(xoshiro.next_u64(s)) for _ in range(10)] == KNOWN_ANSWERS
    ref = Xoshiro([1, 2, 3, 4])
    for _ in range(10):
        ref.next_u64()
    assert s.tolist() == ref.s
    for state in _states():
        s, ref = state.copy(), Xoshiro(state)
        assert [int(xoshiro.next_u64(s)) for _ in range(50)] == [ref.next_u64()
                                                                 for _ in range(50)]
        assert s.tolist() == ref.s


def test_doubles_take_the_top_53_bits():
    for state in _states():
        s, ref = state.copy(), Xoshiro(state)
        for _ in range(20):
            assert xoshiro.next_double(s) == ref.double()
            assert xoshiro.next_open_closed(s) == ref.open_closed()
        assert s.tolist() == ref.s
        out = np.empty(30)
        assert xoshiro.fill_doubles(state, out) is out
        ref = Xoshiro(state)
        assert out.tolist() == [ref.double() for _ in range(30)]
    # the extreme outputs: 0 gives 0.0 and (0, 1]'s top 1.0; all ones give 1 - 2**-53
    # and (0, 1]'s bottom 2**-53
    for output, double in ((0, 0.0), (MASK, 1.0 - 2.0**-53), (1 << 11, 2.0**-53)):
        s = xoshiro_state_for([output, output])
        assert xoshiro.next_double(s) == double
        assert xoshiro.next_open_closed(s) == 1.0 - double


def _words(x):
    """The 32-bit words of a non-negative int, low first (numpy's reading of an int)."""
    words = [x & 0xFFFFFFFF]
    while x >> 32:
        x >>= 32
        words.append(x & 0xFFFFFFFF)
    return words


@pytest.mark.parametrize("entropy,key", [
    (0, ()),  # one word, padded to the pool of four
    (2**100 + 7, (3,)),  # four words
    (2**128 + 2**64 + 1, (2**40, 0)),  # five: one more than the pool, mixed in after it
])
@pytest.mark.parametrize("start", [0, 2**32 - 3, 2**63 - 3])
def test_child_states_equal_numpys_children(entropy, key, start):
    # a child index below 2**32 is one word, from 2**32 on two: the runs from 2**32 - 3
    # cross that boundary; the last ones reach 2**63 - 1
    run = _words(entropy)
    prefix = np.array(run + [0] * (4 - len(run)) + [w for k in key for w in _words(k)],
                      dtype=np.uint32)
    got = seedseq.child_states(prefix, start, 3 if start == 2**63 - 3 else 6)
    expected = [np.random.SeedSequence(entropy, spawn_key=key + (start + i,))
                .generate_state(4, np.uint64) for i in range(got.shape[0])]
    assert got.dtype == np.uint64 and got.shape == (len(expected), 4)
    assert np.array_equal(got, np.array(expected))
