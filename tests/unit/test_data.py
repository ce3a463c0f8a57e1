"""core.data: the Weights page's seeded classification data."""

from __future__ import annotations

import numpy as np
import pytest

from core import data


def make(**kw):
    return data.classification(**{"d": 40, "k": 4, "flip": 0.2, "seed": 3, **kw})


def test_shapes_dtypes_and_padding():
    ds = make()
    assert ds.X_train.shape == (data.N_TRAIN, data.D_MAX)
    assert ds.X_test.shape == (data.N_TEST, data.D_MAX)
    assert ds.X_train.dtype == ds.y_train.dtype == np.float32
    assert ds.d == 40 and ds.k == 4
    # the padded columns are exactly 0 and are neither real nor informative
    assert np.all(ds.X_train[:, 40:] == 0) and np.all(ds.X_test[:, 40:] == 0)
    assert np.all(ds.X_train[:, :40] != 0)
    assert not ds.feature_mask[40:].any() and not ds.informative[40:].any()
    assert set(np.unique(ds.y_train)) <= {0.0, 1.0} and set(np.unique(ds.y_test)) <= {0.0, 1.0}


def test_informative_features_carry_the_rule():
    ds = make()
    assert ds.informative.sum() == 4
    np.testing.assert_array_equal(ds.informative, ds.w_true != 0)
    assert np.all((np.abs(ds.w_true[ds.informative]) >= 2) & (np.abs(ds.w_true[ds.informative])
                                                                <= 4))
    # the labels follow the rule: the true logit separates the test labels far above chance
    z = ds.X_test @ ds.w_true
    assert np.mean((z > 0) == (ds.y_test > 0.5)) > 0.8


def test_flip_flips_exactly_that_share_of_training_labels_only():
    clean, noisy = make(flip=0.0), make(flip=0.2)
    np.testing.assert_array_equal(clean.X_train, noisy.X_train)
    np.testing.assert_array_equal(clean.y_test, noisy.y_test)  # the test set is never flipped
    changed = clean.y_train != noisy.y_train
    assert changed.sum() == round(0.2 * data.N_TRAIN)
    np.testing.assert_array_equal(changed, noisy.flipped)
    # a larger share flips the same points and more
    more = make(flip=0.3).flipped
    assert np.all(more[noisy.flipped])


def test_same_seed_same_data_other_seed_other_data():
    a, b, c = make(), make(), make(seed=4)
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(a.X_train, c.X_train)


def test_features_are_nested_in_d():
    small, big = make(d=20, k=2), make(d=60, k=2)
    np.testing.assert_array_equal(small.X_train[:, :20], big.X_train[:, :20])


@pytest.mark.parametrize("kw", [{"d": 0}, {"d": data.D_MAX + 1}, {"k": 41}, {"flip": 1.5}])
def test_bad_arguments_are_refused(kw):
    with pytest.raises(ValueError):
        make(**kw)
