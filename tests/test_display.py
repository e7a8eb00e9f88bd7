"""A network's notebook view: the numbers a learner looks for and a diagram that is valid SVG
drawn from the real weights."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from digitnet.display import SHOWN, network_html, network_svg
from digitnet.network import Network

SVG = "{http://www.w3.org/2000/svg}"


def test_the_table_gives_sizes_parameters_and_cost():
    page = network_html(Network())
    for text in ("784 → 16 → 16 → 10", "13,002", "12,960 weights", "42 biases", "quadratic"):
        assert text in page
    tweaked = network_html(Network([784, 300, 100, 10], "relu", "cross-entropy"))
    assert "266,610" in tweaked and "softmax" in tweaked and "relu" in tweaked


def test_the_diagram_draws_a_few_neurons_per_big_layer_and_every_small_one():
    svg = ET.fromstring(network_svg(Network([784, 16, 5, 10])))
    circles = svg.findall(f"{SVG}circle")
    assert len(circles) == SHOWN + SHOWN + 5 + 10
    lines = svg.findall(f"{SVG}line")
    assert len(lines) == SHOWN * SHOWN + SHOWN * 5 + 5 * 10


def test_edges_take_the_sign_of_their_weight():
    net = Network([3, 2], seed=0)
    net.weights[0][:] = [[1.0, -1.0, 0.5], [-0.5, 2.0, -2.0]]
    lines = ET.fromstring(network_svg(net)).findall(f"{SVG}line")
    colours = [line.get("stroke") for line in lines]
    # drawn neuron by neuron of the next layer, then by input: the rows of W in order
    assert colours == ["#2ca02c", "#d62728", "#2ca02c", "#d62728", "#2ca02c", "#d62728"]
    opacities = [float(line.get("stroke-opacity")) for line in lines]
    assert max(opacities) == opacities[4] == opacities[5]  # |w| = 2, the largest


def test_a_network_shows_itself_in_a_notebook_and_reads_plainly_elsewhere():
    net = Network([784, 16, 16, 10], "relu", "cross-entropy")
    assert net._repr_html_() == network_html(net)
    assert repr(net) == (
        "Network(sizes=[784, 16, 16, 10], activation='relu', cost='cross-entropy', "
        "dtype='float32', params=13,002)"
    )
