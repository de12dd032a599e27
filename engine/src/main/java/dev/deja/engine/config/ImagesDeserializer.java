package dev.deja.engine.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads {@code images:} and remembers the line of each name, so later errors can cite it. */
final class ImagesDeserializer extends JsonDeserializer<Map<String, ImageEntry>> {

    @Override
    public Map<String, ImageEntry> deserialize(JsonParser parser, DeserializationContext context) throws IOException {
        if (!parser.isExpectedStartObjectToken()) {
            return context.reportInputMismatch(this, "'images' must be a mapping of image name to settings");
        }
        Map<String, ImageEntry> images = new LinkedHashMap<>();
        for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
            String name = parser.currentName();
            int line = parser.currentTokenLocation().getLineNr();
            JsonToken value = parser.nextToken();
            if (value == JsonToken.VALUE_NULL) {
                return context.reportInputMismatch(
                        this, "image '%s' has no settings (it needs at least" + " 'dockerfile:')", name);
            }
            try {
                ImageEntry entry = context.readValue(parser, ImageEntry.class);
                images.put(name, entry.atLine(line));
            } catch (JsonMappingException e) {
                throw JsonMappingException.wrapWithPath(e, images, name);
            }
        }
        return images;
    }
}
