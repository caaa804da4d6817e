/**
 * The CUDA backend: {@link dev.unmask.backend.cuda.CudaBackend} implements the op contract by launching
 * the hand-written kernels of {@code cuda-kernels/src/main/cuda} through the
 * {@link dev.unmask.backend.cuda.DeviceRuntime} seam.
 *
 * <ul>
 *   <li>{@link dev.unmask.backend.cuda.JCudaRuntime}: the CUDA driver API through JCuda, kernels from the
 *       packaged fatbin. The only class that references JCuda's driver API.</li>
 *   <li>Optional accelerators, whose absence changes nothing but speed: our kernels are the default for
 *       everything. {@link dev.unmask.backend.cuda.GemmAccelerators} loads cuBLAS (JCublas 12.6.0,
 *       {@code CublasGemm}, the only class that references {@code jcuda.jcublas}) by name for matmul, only
 *       on the JCuda runtime (so after a successful driver probe), only when {@code libcublas.so.12} loads
 *       (CUDA 13 machines lack it) and unless {@code -Dunmask.cuda.cublas=false}; otherwise matmul uses
 *       {@code sgemm_batched}. cuDNN is left out: JCudnn stops at 11.7.0, needs cuDNN 8.x and names its
 *       native library after the JCuda version on the classpath (12.6.0 here), so it cannot load next to
 *       our JCuda, and CUDA 13 / cuDNN 9 machines lack its libraries anyway; convolutions stay on our
 *       implicit-GEMM kernels (see {@code cuda-kernels/README.md}).</li>
 *   <li>{@code EmulatedRuntime} (tests of {@code cuda-kernels}): the same kernel sources compiled by g++
 *       against the CPU emulator {@code cuda_emu.h}, so the backend is tested without a GPU.</li>
 *   <li>{@link dev.unmask.backend.cuda.CudaProbe}: decides once per process whether CUDA can start; without
 *       a driver {@code Backends.create("cuda")} logs one line with the reason and gives the CPU backend.</li>
 *   <li>Memory: {@link dev.unmask.backend.cuda.DeviceBuffer}s belong to a
 *       {@link dev.unmask.backend.cuda.DeviceScope}; {@link dev.unmask.backend.cuda.CudaBackend#openScope()}
 *       frees the tensors made inside a try-with-resources block, and closing the backend frees the rest.
 *       {@code -Dunmask.cuda.trackAllocations=true} records where each buffer was allocated.</li>
 *   <li>Kernel arguments are typed ({@link dev.unmask.backend.cuda.KernelArgs}); the emulated runtime checks
 *       them against each kernel's C++ parameter list.</li>
 * </ul>
 */
package dev.unmask.backend.cuda;
