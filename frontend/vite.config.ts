/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// `npm run dev` serves the app on :5173 and forwards /api to the API started by `make run`.
const apiUrl = process.env.ANCRAGE_API_URL ?? "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [react()],
  server: { proxy: { "/api": apiUrl, "/health": apiUrl } },
  build: {
    // The entry chunk is measured against the 300 kB (gzipped) budget: see docs/frontend.md.
    sourcemap: false,
    target: "es2022",
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
