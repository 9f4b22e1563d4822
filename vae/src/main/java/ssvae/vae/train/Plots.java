package ssvae.vae.train;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Line plots of logged values against the step, drawn with java.awt on a BufferedImage (headless) as PNG. */
public final class Plots {
    private Plots() {}

    /** One PNG per key present in the rows (file name: the key with '/' as '_'); returns the files written. */
    public static List<Path> write(List<Map<String, Double>> rows, List<String> keys, Path dir) {
        System.setProperty("java.awt.headless", "true");
        List<Path> out = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            for (String k : keys) {
                List<double[]> pts = new ArrayList<>();
                for (Map<String, Double> r : rows) {
                    Double v = r.get(k), s = r.get("step");
                    if (v != null && s != null && Double.isFinite(v)) pts.add(new double[] {s, v});
                }
                if (pts.size() < 2) continue;
                Path f = dir.resolve(k.replace('/', '_') + ".png");
                ImageIO.write(draw(k, pts), "png", f.toFile());
                out.add(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write plots to " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }

    static BufferedImage draw(String title, List<double[]> pts) {
        int w = 640, h = 360, left = 80, right = 20, top = 36, bottom = 40;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        double x0 = pts.get(0)[0], x1 = pts.get(pts.size() - 1)[0], y0 = Double.MAX_VALUE, y1 = -Double.MAX_VALUE;
        for (double[] p : pts) { y0 = Math.min(y0, p[1]); y1 = Math.max(y1, p[1]); }
        if (x1 == x0) x1 = x0 + 1;
        if (y1 == y0) { y1 += 1; y0 -= 1; }
        g.setColor(Color.LIGHT_GRAY);
        for (int i = 0; i <= 4; i++) {
            int y = top + i * (h - top - bottom) / 4;
            g.drawLine(left, y, w - right, y);
        }
        g.setColor(Color.BLACK);
        g.drawRect(left, top, w - left - right, h - top - bottom);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int i = 0; i <= 4; i++) {
            double v = y1 - i * (y1 - y0) / 4;
            g.drawString(String.format("%.4g", v), 4, top + i * (h - top - bottom) / 4 + 4);
        }
        g.drawString(String.format("step %d", (long) x0), left, h - 12);
        String end = String.format("step %d", (long) x1);
        g.drawString(end, w - right - g.getFontMetrics().stringWidth(end), h - 12);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, left, 22);
        g.setColor(new Color(31, 119, 180));
        g.setStroke(new BasicStroke(1.5f));
        int px = -1, py = -1;
        for (double[] p : pts) {
            int x = left + (int) Math.round((p[0] - x0) / (x1 - x0) * (w - left - right));
            int y = top + (int) Math.round((y1 - p[1]) / (y1 - y0) * (h - top - bottom));
            if (px >= 0) g.drawLine(px, py, x, y);
            px = x; py = y;
        }
        g.dispose();
        return img;
    }
}
