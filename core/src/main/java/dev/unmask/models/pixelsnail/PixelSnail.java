package dev.unmask.models.pixelsnail;

import dev.unmask.autograd.Variable;
import dev.unmask.nn.ELU;
import dev.unmask.nn.Module;
import dev.unmask.nn.ParameterBudget;
import dev.unmask.nn.ParameterInit;
import dev.unmask.nn.Sequential;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

/**
 * PixelSNAIL (Chen et al. 2018) as rosinality's vq-vae-2-pytorch builds it, an autoregressive prior over
 * a grid of VQ-VAE codes in raster order: the logits at position i depend on the codes before i only.
 * <pre>
 *   out = shift_down(horizontal(onehot(codes))) + shift_right(vertical(onehot(codes)))
 *   out = blocks(out, background)        (PixelBlocks)
 *   logits = out(out) = WNConv1x1(elu(out))
 * </pre>
 * {@code horizontal} is a 'down' causal convolution of kernel (k/2) x k over the rows above (after the
 * one-row shift), {@code vertical} a 'downright' one of kernel ((k+1)/2) x (k/2) over the current row
 * left of the position (after the one-column shift), k the configured kernel. Both are
 * computed as gathers of weight columns ({@link CausalConv2d#forwardOneHot}), never as one-hot
 * convolutions; the code grid is used nowhere else. The buffer {@code background} [1, 2, H, W] holds the
 * row coordinate {@code (y - H/2) / H} and the column coordinate {@code (x - W/2) / W}.
 *
 * <p>Parameter names are rosinality's ({@code horizontal.conv.conv.weight_v},
 * {@code blocks.0.causal_attention.query.weight_g}, {@code out.1.conv.bias}, ...), so a state dict of his
 * PyTorch model with the same configuration loads by name (without the conditioning network of the
 * hierarchical model, which this one-level prior does not have).
 */
public final class PixelSnail extends Module {
    private final PixelSnailConfig config;
    private final CausalConv2d horizontal;
    private final CausalConv2d vertical;
    private final IndexedModules<PixelBlock> blocks = new IndexedModules<>();
    private final Sequential out;

    /** A model on {@code init}'s backend with PyTorch's default initialisation drawn from it, in training mode. */
    public PixelSnail(PixelSnailConfig config, ParameterInit init) {
        this.config = config;
        int kernel = config.kernel();
        this.horizontal = registerModule("horizontal", new CausalConv2d(config.classes(), config.channel(),
                kernel / 2, kernel, CausalConv2d.Padding.DOWN, init));
        this.vertical = registerModule("vertical", new CausalConv2d(config.classes(), config.channel(),
                (kernel + 1) / 2, kernel / 2, CausalConv2d.Padding.DOWN_RIGHT, init));
        registerBuffer("background", background(config.height(), config.width(), init));
        registerModule("blocks", blocks);
        for (int i = 0; i < config.blocks(); i++) {
            blocks.add(new PixelBlock(config.channel(), config.resChannel(), config.kernel(), config.resBlocks(),
                    config.attention(), config.dropout(), config.heads(), init));
        }
        this.out = registerModule("out", new Sequential(new ELU(), WeightNormConv2d.same(config.channel(),
                config.classes(), 1, init)));
    }

    private static Tensor background(int height, int width, ParameterInit init) {
        // the shape checks that 2 x height x width fits an int before anything is allocated
        Shape shape = Shape.of(1, 2, height, width);
        ParameterBudget.charge(shape);
        float[] data = new float[shape.numel()];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                data[y * width + x] = (y - height / 2f) / height;
                data[height * width + y * width + x] = (x - width / 2f) / width;
            }
        }
        return init.backend().fromFloats(data, shape);
    }

    public PixelSnailConfig config() {
        return config;
    }

    /**
     * Logits of every position given the codes before it (teacher forcing).
     *
     * @param codes I32 [B, height, width], values in [0, classes)
     * @return [B, classes, height, width]
     */
    public Variable logits(Tensor codes) {
        if (codes.rank() != 3 || codes.dim(1) != config.height() || codes.dim(2) != config.width()) {
            throw new IllegalArgumentException("PixelSnail: codes must be [B, " + config.height() + ", "
                    + config.width() + "], got " + codes.shape());
        }
        int[] code = CausalConv2d.checkedCodes(codes, config.classes());
        int batch = codes.dim(0);
        Variable features = input(horizontal.oneHotTable(), vertical.oneHotTable(), code, batch, 0, config.height());
        Variable background = Variable.constant(background())
                .expand(Shape.of(batch, 2, config.height(), config.width()));
        return output(features, background, CausalLayers.WHOLE_GRID);
    }

    /**
     * An evaluator of the logits row by row for {@code grids} grids, keeping every layer's rows above; the
     * model must be in evaluation mode and its weights must not change while the evaluator is used.
     */
    public IncrementalPixelSnail incremental(int grids) {
        return new IncrementalPixelSnail(this, grids);
    }

    /** The coordinate buffer [1, 2, height, width]. */
    Tensor background() {
        return buffer("background");
    }

    CausalConv2d horizontal() {
        return horizontal;
    }

    CausalConv2d vertical() {
        return vertical;
    }

    /**
     * The features entering the blocks at rows {@code [fromRow, toRow)} of the grids {@code code}
     * ([batch, height, width], checked), from the input convolutions' tables
     * ({@link CausalConv2d#oneHotTable}): the horizontal output of the row above (zero for row 0) plus the
     * vertical output of the column to the left (zero for column 0).
     *
     * @return [batch, channel, toRow - fromRow, width]
     */
    Variable input(Variable horizontalTable, Variable verticalTable, int[] code, int batch, int fromRow, int toRow) {
        int height = config.height();
        int width = config.width();
        // horizontal rows [fromRow - 1, toRow - 1), where row -1 is zero: at least one row is computed, so
        // that row 0 alone is a slice of the zero padding
        Variable rowsAbove = horizontal.forwardOneHot(horizontalTable, code, batch, height, width,
                        Math.max(0, fromRow - 1), Math.max(1, toRow - 1))
                .pad(new int[] {0, 0, fromRow == 0 ? 1 : 0, 0}, new int[4], 0f).slice(2, 0, toRow - fromRow);
        Variable leftInRow = vertical.forwardOneHot(verticalTable, code, batch, height, width, fromRow, toRow)
                .pad(new int[] {0, 0, 0, 1}, new int[4], 0f).slice(3, 0, width);
        return rowsAbove.add(leftInRow);
    }

    /** The blocks and the output layer over a band of rows of input features, with its background rows. */
    Variable output(Variable features, Variable background, CausalLayers layers) {
        for (PixelBlock block : blocks.list()) {
            features = block.forward(features, background, layers);
        }
        return out.forward(features);
    }

    /**
     * Per-position negative log-likelihood {@code -log softmax(logits)[code]} of the codes themselves
     * (teacher forcing, one forward pass), in nats.
     *
     * @param codes I32 [B, height, width], values in [0, classes)
     * @return [B, height, width]
     */
    public Variable nll(Tensor codes) {
        Variable logits = logits(codes);
        int batch = codes.dim(0);
        int positions = batch * config.height() * config.width();
        return logits.permute(0, 2, 3, 1).reshape(positions, config.classes())
                .crossEntropyPerRow(codes.reshape(positions)).reshape(batch, config.height(), config.width());
    }
}
