package dev.unmask.train;

import dev.unmask.autograd.Variable;
import dev.unmask.backend.Backend;
import dev.unmask.optim.GradientClipping;
import dev.unmask.optim.LearningRateSchedule;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** The training loop against a hand-written loop, its reports, checkpoints and refusals. */
class TrainerTest {
    private static final long SEED = 5;
    /**
     * The same ops run in the same order in both loops; only a threaded backend splitting a sum
     * differently between two runs could move a float by a few ulps.
     */
    private static final float LOOP_TOLERANCE = 1e-5f;

    private static final class Recorder implements Trainer.Listener {
        final List<Trainer.Progress> steps = new ArrayList<>();
        final List<Long> checkpoints = new ArrayList<>();

        @Override
        public void onStep(Trainer.Progress progress) {
            steps.add(progress);
        }

        @Override
        public void onCheckpoint(long step, Path file) {
            checkpoints.add(step);
        }
    }

    @Test
    void stepsMatchAHandWrittenLoop() throws Exception {
        long steps = 12;
        TinyTraining a = new TinyTraining(SEED);
        a.builder.build().run(steps);

        TinyTraining b = new TinyTraining(SEED);
        LearningRateSchedule schedule = LearningRateSchedule.cosineWithWarmup(1e-2, 5, TinyTraining.TOTAL_STEPS, 1e-4);
        SplitMix64 random = SplitMix64.seeded(SEED + 3);
        for (long step = 0; step < steps; step++) {
            b.optimizer.setLearningRate(schedule.rate(step));
            b.optimizer.zeroGrad();
            b.model.reseed(random.nextLong());
            Variable loss = b.denoisingLoss(b.source.next(), random).loss();
            loss.backward();
            GradientClipping.clipByNorm(b.optimizer.parameters(), 1.0);
            b.optimizer.step();
        }
        for (String name : a.model.stateDict().keySet()) {
            assertArrayEquals(b.model.stateDict().get(name).toFloatArray(), a.model.stateDict().get(name).toFloatArray(),
                    LOOP_TOLERANCE, name);
        }
        assertEquals(b.source.position(), a.source.position());
    }

    @Test
    void reportsEveryStepAndLearns() throws Exception {
        TinyTraining t = new TinyTraining(SEED);
        Recorder recorder = new Recorder();
        t.builder.listener(recorder).build().run(TinyTraining.TOTAL_STEPS);
        LearningRateSchedule schedule = LearningRateSchedule.cosineWithWarmup(1e-2, 5, TinyTraining.TOTAL_STEPS, 1e-4);
        assertEquals(TinyTraining.TOTAL_STEPS, recorder.steps.size());
        for (int i = 0; i < recorder.steps.size(); i++) {
            Trainer.Progress p = recorder.steps.get(i);
            assertEquals(i + 1, p.step());
            assertEquals(TinyTraining.TOTAL_STEPS, p.totalSteps());
            assertEquals(schedule.rate(i), p.learningRate());
            assertTrue(Double.isFinite(p.gradientNorm()) && p.gradientNorm() > 0);
            assertEquals(Math.sqrt(p.loss()), p.stats().get("rmse"));
            assertTrue(!p.remaining().isNegative() && !p.elapsed().isNegative());
        }
        assertEquals(Duration.ZERO, recorder.steps.get(recorder.steps.size() - 1).remaining());
        double first = recorder.steps.get(0).loss();
        double last = recorder.steps.get(recorder.steps.size() - 1).loss();
        assertTrue(last < first / 2, "loss went from " + first + " to " + last);
    }

    @Test
    void checkpointsEveryKStepsAndResumesTheCount(@TempDir Path dir) throws Exception {
        TinyTraining t = new TinyTraining(SEED);
        Recorder recorder = new Recorder();
        CheckpointStore store = CheckpointStore.open(dir, 2);
        Trainer<Tensor> trainer = t.builder.listener(recorder).checkpoints(store, 3)
                .metadata(() -> "{\"run\":\"test\"}").build();
        trainer.run(10);
        assertEquals(List.of(3L, 6L, 9L), recorder.checkpoints);
        assertEquals(List.of(store.fileFor(9), store.fileFor(6)), store.files());
        Checkpoint nine = store.latest(Backend.of(t.model.parameters().get(0).value())).orElseThrow().checkpoint();
        assertEquals(9, nine.optimizerSteps());
        assertEquals("{\"run\":\"test\"}", nine.metadataJson());

        TinyTraining fresh = new TinyTraining(SEED + 100);
        Recorder later = new Recorder();
        Trainer<Tensor> resumed = fresh.builder.listener(later).checkpoints(store, 3).build();
        assertEquals(9, resumed.resumeLatest().orElseThrow().checkpoint().step());
        assertEquals(9, resumed.step());
        assertEquals(nine.data(), fresh.source.position());
        resumed.run(12);
        assertEquals(List.of(10L, 11L, 12L), later.steps.stream().map(Trainer.Progress::step).toList());
        assertEquals(12, fresh.optimizer.steps());
    }

    @Test
    void aNonFiniteLossStopsBeforeTheUpdate() {
        TinyTraining t = new TinyTraining(SEED);
        float[] before = t.model.parameters().get(0).value().toFloatArray();
        Trainer<Tensor> trainer = t.builder
                .loss((batch, random) -> Trainer.StepLoss.of(t.denoisingLoss(batch, random).loss().log().mul(Float.NaN)))
                .build();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> trainer.run(3));
        assertTrue(e.getMessage().contains("step 1"), e.getMessage());
        assertArrayEquals(before, t.model.parameters().get(0).value().toFloatArray());
        assertEquals(0, trainer.step());
    }

    @Test
    void refusesWhatItCannotDo(@TempDir Path dir) {
        TinyTraining t = new TinyTraining(SEED);
        assumeFalse(DeterministicMode.REFERENCE_BACKEND.equals(t.model.parameters().get(0).value().device().name())
                && "1".equals(System.getProperty(DeterministicMode.THREADS_PROPERTY)), "this JVM is already deterministic");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.builder.deterministic(true).build());
        assertTrue(e.getMessage().contains("deterministic training needs"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> t.builder.clipNorm(-1));
        assertThrows(IllegalArgumentException.class, () -> t.builder.clipNorm(Double.POSITIVE_INFINITY));
        assertThrows(IllegalStateException.class, () -> new TinyTraining(SEED).builder.build().resumeLatest());
        assertThrows(NullPointerException.class, () -> Trainer.<Tensor>builder().model(t.model).build());
    }
}
