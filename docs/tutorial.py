# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # The four chapters, in a notebook
#
# The plain-vanilla network that reads handwritten digits, step by step with digitnet's Python
# API, in the order of the four videos: what the network is, gradient descent,
# backpropagation, and the calculus behind it. Every number and picture below comes from the
# real network as the notebook runs: change anything and run it again.
#
# The next cell sets the budget. As committed it trains the video's network in full (about a
# minute on two CPU cores); the tests run this notebook with one epoch on a few thousand
# images.

# %% tags=["parameters"]
EPOCHS = 40  # the video preset's full run
TRAIN_IMAGES = None  # None: all the training images
DREAM_STEPS = 200  # steps of gradient descent on the input, for the dream

# %% [markdown]
# ## Chapter 1: what is a neural network?
#
# ### The data
# MNIST: 70,000 handwritten digits, 28×28 pixels each, split as the book splits them: 50,000
# to train on, 10,000 for validation and 10,000 test images that training never sees.
# digitnet hands them over as rows of 784 numbers from 0 (black) to 1 (white ink), with
# their labels. (The first call fetches and verifies them; later calls read the cache.)

# %%
import numpy as np

from digitnet import pictures
from digitnet.data import load_dataset

data = load_dataset(progress=False)
print("training images:", data.train.images.shape, " test images:", data.test.images.shape)
print("the first ten labels:", data.train.labels[:10])
pictures.average_digits_picture(data.train.images, data.train.labels, sample=8)

# %% [markdown]
# ### The network
# 784 input neurons (one per pixel), two hidden layers of 16, and 10 outputs (one per digit).
# The weights start as seeded random numbers. Ending a cell with the network shows its
# numbers and a sketch: 784·16 + 16·16 + 16·10 weights and 16 + 16 + 10 biases, the knobs
# that learning will turn.

# %%
from digitnet.network import Network

net = Network([784, 16, 16, 10], activation="sigmoid", cost="quadratic", seed=0)
net

# %% [markdown]
# ### One forward pass and its activations
# Each layer is one line of linear algebra, a′ = σ(W a + b). `net.weights[l]` is W (row j
# holds the weights into neuron j) and `net.forward` keeps every layer's z and a. Inside the
# network examples are columns, so one image goes in as a column of 784 numbers.

# %%
x, label = data.test.images[0], int(data.test.labels[0])
zs, activations = net.forward(x[:, None])
for l, a in enumerate(activations):
    print(f"layer {l}: {a.shape[0]:>3} activations, from {a.min():.2f} to {a.max():.2f}")
pictures.activations_picture(net, x, f"A {label} through the untrained network")

# %% [markdown]
# ## Chapter 2: gradient descent
#
# ### The untrained network's cost
# The cost of one example is Σⱼ (aⱼ − yⱼ)²: how far the ten outputs are from the wanted ones
# (1 for the right digit, 0 for the others). The network's cost is the mean over many
# examples. A random network has a high cost and is right about one time in ten.

# %%
y = np.eye(10)[label]  # the wanted outputs for this image
output = net.feedforward(x[None, :])[0]
print(f"this image's cost: {np.sum((output - y) ** 2):.3f}")
accuracy, cost = net.evaluate(data.test.images, data.test.labels)
print(f"mean cost over the 10,000 test images: {cost:.3f}; right: {accuracy:.1%}")

# %% [markdown]
# ### One gradient, and the nudges it asks for
# Backpropagation gives ∇C, how the cost changes with each of the 13,002 weights and biases.
# For one training image, each output neuron wants to move by −∂C/∂a, more the further it is
# from its target; sent back through the weights and summed, the same wishes reach the layer
# before. The last panel compares mini-batch gradients with the gradient of the whole
# training set: the bigger the batch, the closer they point.

# %%
from digitnet.experiments import Inputs, gradients

grad_W, grad_b = net.backprop(data.train.images[:1], data.train.labels[:1])
print("∂C/∂W shapes:", [g.shape for g in grad_W], " ∂C/∂b shapes:", [g.shape for g in grad_b])
wishes = gradients.run(Inputs(data, network=net), index=0, draws=5)
gradients.draw(wishes)

# %% [markdown]
# ### The same, as a widget
# In Jupyter (JupyterLab, Notebook 7, VS Code, Colab) the page's Gradient descent view runs
# on this very network: the gradient's components ranked, where it points, the cost along
# −∇C and, with the data, a mini-batch's gradient and the cost landscape. (Where the saved
# notebook is only read, the line below the cell stands in for it.)

# %%
from digitnet.widgets import GradientDescent

gd = GradientDescent(net, example=x, label=label, data=data)
gd

# %% [markdown]
# ### One step of stochastic gradient descent
# Take a mini-batch, compute the gradient of its mean cost, and move every weight and bias a
# little downhill: W ← W − η ∂C/∂W. The mini-batch's cost goes down.

# %%
X, labels = data.train.images[:10], data.train.labels[:10]
before = net.mean_cost(X, labels)
grad_W, grad_b = net.backprop(X, labels)
eta = 1.5  # the learning rate η
for W, b, dW, db in zip(net.weights, net.biases, grad_W, grad_b):
    W -= eta * dW  # W ← W − η ∂C/∂W
    b -= eta * db  # b ← b − η ∂C/∂b
print(f"mini-batch cost: {before:.4f} before the step, {net.mean_cost(X, labels):.4f} after")
gd.refresh()  # the Gradient descent widget above now shows the stepped network

# %% [markdown]
# ### Training the video's network
# Repeat that step over shuffled mini-batches, epoch after epoch: the `video` preset keeps the
# video's 784-16-16-10 sigmoid network and quadratic cost, with momentum, a cosine schedule
# and one-pixel shifts, and trains on the training and validation images together. Each
# epoch ends with the cost and accuracy on the training and test images. `gd.ride_along`
# rolls the Gradient descent widget's ball (scroll up) on a slice of the run's real cost
# while this cell runs.

# %%
from dataclasses import replace

from digitnet.training import PRESETS, fit

config = replace(PRESETS["video"], epochs=EPOCHS)
result = fit(data.subset(TRAIN_IMAGES), config, on_event=gd.ride_along)  # the ball, above
trained = result.network
print(f"test accuracy after {EPOCHS} epochs: {result.history[-1]['test_accuracy']:.2%}")
pictures.curves_picture(result.history)

# %% [markdown]
# ### Draw a digit
# The page's Draw view on the trained network: draw on the pad and the answer lights up as
# you draw. Python reads what you drew: `pad.pixels` (784 numbers) and `pad.prediction`.

# %%
from digitnet.widgets import Draw

pad = Draw(trained)
pad

# %%
print("you drew:", "nothing yet" if pad.prediction is None else f"a {pad.prediction}")

# %% [markdown]
# ### The weights, as green and red grids
# Each first-layer neuron's 784 incoming weights, laid out like the image: green for positive,
# red for negative, brighter for larger. The hope was edges and loops; what training finds
# looks much less tidy.

# %%
pictures.weights_picture(trained)

# %% [markdown]
# ### A mistake
# The images it gets wrong, most confident first, then the first of them through the network.

# %%
from digitnet.metrics import mistakes

outputs = trained.feedforward(data.test.images)
answers, confidence = outputs.argmax(axis=1), outputs.max(axis=1)
wrong = mistakes(data.test.labels, answers, confidence)
print(f"{len(wrong):,} of 10,000 test images answered wrong")
i = wrong[0]
pictures.activations_picture(
    trained, data.test.images[i], f"A {data.test.labels[i]}, read as {answers[i]}"
)

# %% [markdown]
# ### Noise in
# Nothing in its training ever asked it to say "none of these", so it names a digit for pure
# noise too. The video says it does so confidently; here is how sure this network is, on
# noise and on real digits.

# %%
from digitnet.experiments import noise_inputs

noisy = noise_inputs.run(Inputs(data, network=trained), n=1000)
print(noisy["conclusion"])
noise_inputs.draw(noisy)

# %% [markdown]
# ### A dream
# Run gradient descent on the *input* instead of the weights: start from a black image and
# change its pixels until the network is sure it sees each digit. It recognises digits, but
# what it "wants to see" looks nothing like one.

# %%
from digitnet.experiments import dreams

dreamt = dreams.run(Inputs(data, network=trained), steps=DREAM_STEPS)
print(dreamt["conclusion"])
dreams.draw(dreamt)

# %% [markdown]
# ## Chapters 3 and 4: backpropagation and its calculus
#
# ### The chain rule on the one-neuron chain
# With one neuron per layer, C₀ = (a⁽ᴸ⁾ − y)², z⁽ᴸ⁾ = w⁽ᴸ⁾ a⁽ᴸ⁻¹⁾ + b⁽ᴸ⁾ and a⁽ᴸ⁾ = σ(z⁽ᴸ⁾).
# The chain rule gives ∂C₀/∂w⁽ᴸ⁾ = a⁽ᴸ⁻¹⁾ · σ′(z⁽ᴸ⁾) · 2(a⁽ᴸ⁾ − y): three factors, each read
# off the forward pass. Multiplied out, they match a finite difference of the cost, layer by
# layer; the last lines do the same for one weight of the trained network.

# %%
from digitnet.experiments import chain

chained = chain.run(Inputs(data, network=trained))
print(chain.text_report(chained))
chain.draw(chained)

# %% [markdown]
# ### What one example asks of every layer
# The page's Backprop view on the trained network and the first test image: the cost term by
# term, the nudges each layer is asked for, and this example's step. Choose another label in
# it and read the new cost here: `bp.label`, `bp.cost`, `bp.nudges` (−∂C/∂a, layer by layer).

# %%
from digitnet.widgets import Backprop

bp = Backprop(trained, example=x, label=label)
bp

# %%
wish = bp.nudges[-1][bp.label]  # −∂C/∂a of the label's output: up
print(f"label {bp.label}: cost {bp.cost:.4f}; the label's output asked to move by {wish:+.4f}")

# %% [markdown]
# The chain rule with sliders, and for any weight of the real network, as a widget:

# %%
from digitnet.widgets import ChainRule

ChainRule(trained, example=x, label=label)

# %% [markdown]
# ## The whole story
# The four chapters as one guided path of scenes, on the trained network and a test digit.

# %%
from digitnet.widgets import Story

Story(trained, data=data)
