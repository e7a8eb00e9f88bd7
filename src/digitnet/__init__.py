"""digitnet: the plain-vanilla neural network that reads handwritten digits.

784 pixels in, two hidden layers of 16 sigmoid neurons, 10 outputs; learnt by backpropagation
and mini-batch stochastic gradient descent, written from scratch in NumPy.
"""

__version__ = "0.1.0"
