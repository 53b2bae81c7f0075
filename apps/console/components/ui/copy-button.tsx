"use client";
// Copies a text to the clipboard; falls back to selecting a hidden textarea where the
// Clipboard API is unavailable (plain http on a LAN address is not a "secure context").
import { useState } from "react";
import { Button } from "./button";

async function copy(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the textarea way
  }
  const ta = document.createElement("textarea");
  ta.value = text;
  ta.setAttribute("readonly", "");
  ta.style.position = "fixed";
  ta.style.opacity = "0";
  document.body.appendChild(ta);
  ta.select();
  const ok = document.execCommand("copy");
  ta.remove();
  return ok;
}

export function CopyButton({
  text,
  label = "Copy",
  ...rest
}: { text: string; label?: string } & React.ButtonHTMLAttributes<HTMLButtonElement>) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  return (
    <Button
      {...rest}
      onClick={async () => {
        setState((await copy(text)) ? "copied" : "failed");
        setTimeout(() => setState("idle"), 1500);
      }}
    >
      <span aria-live="polite">
        {state === "copied" ? "Copied" : state === "failed" ? "Copy failed" : label}
      </span>
    </Button>
  );
}
