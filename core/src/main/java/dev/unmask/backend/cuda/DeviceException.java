package dev.unmask.backend.cuda;

/** A device call failed; the message names the call and the runtime's error (a CUresult name on CUDA). */
public class DeviceException extends RuntimeException {
    public DeviceException(String message) {
        super(message);
    }

    public DeviceException(String message, Throwable cause) {
        super(message, cause);
    }
}
