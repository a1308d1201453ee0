#!/usr/bin/env python3
"""ONNX Runtime side of the encoder benchmark (run by winnow_encoder_bench).

Exports the model directory's BERT to ONNX (fp32), quantizes it dynamically
to int8 with ONNX Runtime's own quantize_dynamic, then times the same work the
C++ side times: tokenize (Hugging Face `tokenizers`, truncated to the same
token limit), run, mean/CLS pool and L2-normalize, for each configuration.

usage: ort_encode_bench.py MODEL_DIR WORK_DIR CONFIG.json OUT.json
CONFIG.json: {"passages": [...], "queries": [...], "runs": [{"precision": "int8",
"threads": 1, "max_tokens": 128, "batch": 8}], "repeats": 2, "query_threads": 1}
OUT.json: {"runs": [{..., "seconds": wall, "cpu_seconds": process cpu, "passages": n,
"tokens": t}], "queries": {"int8": [wall ms...], "fp32": [...]}, "queries_cpu": {same, cpu ms},
"versions": {...}}
"""
import json
import os
import sys
import time

import numpy as np


def export(model_dir, work_dir):
    fp32 = os.path.join(work_dir, "model_fp32.onnx")
    int8 = os.path.join(work_dir, "model_int8.onnx")
    if not os.path.exists(fp32):
        import torch
        from transformers import AutoModel
        bert = AutoModel.from_pretrained(model_dir).eval()

        class hidden_states(torch.nn.Module):
            def __init__(self, m):
                super().__init__()
                self.m = m

            def forward(self, input_ids, attention_mask, token_type_ids):
                return self.m(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

        model = hidden_states(bert)
        ids = torch.ones(2, 16, dtype=torch.long)
        with torch.no_grad():
            torch.onnx.export(model, (ids, torch.ones_like(ids), torch.zeros_like(ids)), fp32,
                              input_names=["input_ids", "attention_mask", "token_type_ids"],
                              output_names=["last_hidden_state"],
                              dynamic_axes={n: {0: "batch", 1: "seq"} for n in
                                            ["input_ids", "attention_mask", "token_type_ids", "last_hidden_state"]},
                              opset_version=17, dynamo=False)
    if not os.path.exists(int8):
        from onnxruntime.quantization import QuantType, quantize_dynamic
        quantize_dynamic(fp32, int8, weight_type=QuantType.QInt8)
    return {"fp32": fp32, "int8": int8}


def main():
    model_dir, work_dir, config_path, out_path = sys.argv[1:5]
    os.makedirs(work_dir, exist_ok=True)
    import onnxruntime as ort
    from tokenizers import Tokenizer
    cfg = json.load(open(config_path))
    paths = export(model_dir, work_dir)
    pooling_cls = False
    pool_cfg = os.path.join(model_dir, "1_Pooling", "config.json")
    if os.path.exists(pool_cfg):
        pooling_cls = json.load(open(pool_cfg)).get("pooling_mode_cls_token", False)

    tok = Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
    sessions = {}

    def session(precision, threads):
        key = (precision, threads)
        if key not in sessions:
            so = ort.SessionOptions()
            so.intra_op_num_threads = threads
            so.inter_op_num_threads = 1
            so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
            # No spin-waiting: CPU time then measures work, which is what the
            # driver compares on a shared machine.
            so.add_session_config_entry("session.intra_op.allow_spinning", "0")
            so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            sessions[key] = ort.InferenceSession(paths[precision], so, providers=["CPUExecutionProvider"])
        return sessions[key]

    def encode(sess, texts, max_tokens):
        tok.enable_truncation(max_tokens)
        tok.enable_padding(pad_id=0, pad_token="[PAD]")
        enc = tok.encode_batch(texts)
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        hidden = sess.run(None, {"input_ids": ids, "attention_mask": mask,
                                 "token_type_ids": np.zeros_like(ids)})[0]
        if pooling_cls:
            v = hidden[:, 0]
        else:
            m = mask[..., None].astype(np.float32)
            v = (hidden * m).sum(1) / np.maximum(m.sum(1), 1e-9)
        v = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
        return v, int(mask.sum())

    out = {"runs": [], "queries": {}, "versions": {"onnxruntime": ort.__version__}}
    passages = cfg["passages"]
    for run in cfg["runs"]:
        sess = session(run["precision"], run["threads"])
        b = run["batch"]
        encode(sess, passages[:b], run["max_tokens"])  # warm-up
        best, best_cpu = None, None
        for _ in range(cfg.get("repeats", 2)):
            tokens = 0
            t0, c0 = time.perf_counter(), time.process_time()
            for i in range(0, len(passages), b):
                _, n = encode(sess, passages[i:i + b], run["max_tokens"])
                tokens += n
            s, c = time.perf_counter() - t0, time.process_time() - c0
            best = s if best is None or s < best else best
            best_cpu = c if best_cpu is None or c < best_cpu else best_cpu
        out["runs"].append(dict(run, seconds=best, cpu_seconds=best_cpu, passages=len(passages), tokens=tokens))
        print(f"ort {run} {len(passages) / best_cpu:.1f} passages per cpu-s", file=sys.stderr, flush=True)
    for precision in ("int8", "fp32"):
        sess = session(precision, cfg.get("query_threads", 1))
        for q in cfg["queries"][:20]:
            encode(sess, [q], 32)
        lat, cpu = [], []
        for q in cfg["queries"]:
            t0, c0 = time.perf_counter(), time.thread_time()
            encode(sess, [q], 32)
            lat.append((time.perf_counter() - t0) * 1000.0)
            cpu.append((time.thread_time() - c0) * 1000.0)
        out["queries"][precision] = lat
        out["queries_cpu"] = out.get("queries_cpu", {})
        out["queries_cpu"][precision] = cpu
    json.dump(out, open(out_path, "w"))


if __name__ == "__main__":
    main()
