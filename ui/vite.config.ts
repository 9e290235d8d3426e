import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";
import tailwindcss from "@tailwindcss/vite";

// `npm run dev` proxies the API (HTTP and WebSockets) to a backend on CLOSER_DEV_BACKEND
// (default the port scripts/dev serves on); `npm run build` writes dist/, which the backend
// serves itself (config key `ui_dir`).
const backend = process.env.CLOSER_DEV_BACKEND ?? "http://127.0.0.1:8787";

export default defineConfig({
  plugins: [react(), tailwindcss()],
  server: {
    host: "127.0.0.1",
    proxy: { "/api": { target: backend, ws: true, changeOrigin: true } },
  },
  // Two pages: the web app (index.html) and the desktop app's windows (desktop.html, embedded
  // into the Tauri binary by src-tauri).
  build: {
    outDir: "dist",
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
    rollupOptions: { input: { main: "index.html", desktop: "desktop.html" } },
  },
  worker: { format: "es" },
  test: {
    environment: "jsdom",
    globals: true,
    include: ["src/**/*.test.{ts,tsx}"],
  },
});
