// The numbers every view shares, in one place: the MNIST input, the drawing pad, the grids.

export const SIDE = 28; // an MNIST image is SIDE × SIDE pixels
export const PIXELS = SIDE * SIDE; // 784: the network's inputs
export const DIGITS = 10; // the network's outputs, one per digit
export const PAD = 280; // the drawing pad's pixels per side, like the API's larger size
export const MAX_GRIDS = 64; // first-layer weight grids shown at most (web/state.py's MAX_GRIDS)
export const FIRST_LAYER_SHOWN = 16; // first-layer grids in the learning views (Backprop, Gradient)
