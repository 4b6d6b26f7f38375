{
  "targets": [
    {
      "target_name": "mollifier_native",
      "sources": ["src/addon.c", "src/kernels.c"],
      "cflags": ["-O3", "-std=c11", "-fno-math-errno", "-fno-trapping-math", "<!@(pkg-config --cflags openblas)"],
      "cflags!": ["-O2"],
      "libraries": ["<!@(pkg-config --libs openblas)"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
