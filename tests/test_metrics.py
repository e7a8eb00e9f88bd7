"""metrics.py: the confusion matrix, accuracy per digit and the mistakes, counted by hand."""

from __future__ import annotations

import numpy as np

from digitnet.metrics import confusion_matrix, mistakes, per_digit_accuracy


def test_confusion_matrix_counts_answers_by_true_digit():
    labels, answers = np.array([0, 0, 1, 2, 2, 2]), np.array([0, 1, 1, 2, 2, 0])
    confusion = confusion_matrix(labels, answers, n=3)
    assert confusion.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]
    assert confusion_matrix(labels, answers).shape == (10, 10)


def test_per_digit_accuracy_is_the_diagonal_over_each_row_and_0_for_unseen_digits():
    confusion = np.array([[1, 1, 0], [0, 1, 0], [0, 0, 0]])
    assert per_digit_accuracy(confusion).tolist() == [0.5, 1.0, 0.0]


def test_mistakes_in_data_order_or_most_confident_first():
    labels = np.array([1, 2, 3, 4, 5, 6])
    answers = np.array([1, 0, 3, 0, 0, 6])  # wrong at 1, 3, 4
    confidences = np.array([0.9, 0.5, 0.99, 0.8, 0.95, 0.1])
    assert mistakes(labels, answers).tolist() == [1, 3, 4]
    assert mistakes(labels, answers, confidences).tolist() == [4, 3, 1]
    tied = np.full(6, 0.5)
    assert mistakes(labels, answers, tied).tolist() == [1, 3, 4]  # ties keep data order
    assert mistakes(labels, labels).size == 0
