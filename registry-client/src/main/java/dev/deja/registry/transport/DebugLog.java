package dev.deja.registry.transport;

import java.io.IOException;
import java.util.function.Consumer;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * {@code --debug}: one line per HTTP exchange (method, URL without query, auth scheme, status, time). Never a
 * header value: the scheme is all that is said of the {@code Authorization} header.
 */
public final class DebugLog implements Interceptor {

    private final Consumer<String> sink;

    public DebugLog(Consumer<String> sink) {
        this.sink = sink;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        long start = System.nanoTime();
        Request request = chain.request();
        String auth = request.header("Authorization");
        String scheme = auth == null
                ? "anonymous"
                : auth.substring(0, auth.indexOf(' ') < 0 ? auth.length() : auth.indexOf(' '));
        String target =
                request.method() + " " + request.url().newBuilder().query(null).build() + " [" + scheme + "]";
        try {
            Response response = chain.proceed(request);
            sink.accept(target + " -> " + response.code() + " (" + (System.nanoTime() - start) / 1_000_000 + " ms)");
            return response;
        } catch (IOException e) {
            sink.accept(target + " -> " + e.getClass().getSimpleName());
            throw e;
        }
    }
}
