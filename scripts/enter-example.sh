#!/bin/bash
# Types the service's ControlNet example into zqt from the keyboard (tmux send-keys only).
S=ex; T="tmux send-keys -t $S"; L="tmux send-keys -t $S -l"
w() { for i in $(seq 1 100); do tmux capture-pane -p -t $S | grep -qF -- "$1" && return 0; sleep 0.05; done; echo "TIMEOUT waiting for $1"; tmux capture-pane -p -t $S; exit 1; }
tmux kill-session -t $S 2>/dev/null
# A history folder of its own: the form starts empty, whatever an earlier zqt left as a draft.
tmux new-session -d -s $S -x 120 -y 40 "TERM=xterm-256color ZQT_HOME=$(mktemp -d) $1 --sandbox"
w SANDBOX
PROMPT=$(python3 -c "import json;print(json.load(open('${EXAMPLE:-docs/api/examples/controlnet.json}'))['prompt'])")
NEG=$(python3 -c "import json;print(json.load(open('${EXAMPLE:-docs/api/examples/controlnet.json}'))['negative_prompt'].replace(chr(13)+chr(10)+',',''))")
$T Enter; $L "$PROMPT"; $T Enter
$T Down Enter; $L "$NEG"; $T Enter
$T Down; $T Enter; $L "DPM++ 2M Karras"; $T Enter          # sampler
$T Down; $L "25"; $T Enter                                 # steps
$T Down; $L "11"; $T Enter                                 # cfg
$T Down Enter C-u; $L "1221212"; $T Enter                  # seed
$T Down Enter; $L "768"; $T Enter; w "768×768 ▾"           # size preset
$T Down Down Down Down Down Down                           # -> hi-res toggle (stays off)
$T Down; $L "2"; $T Enter                                  # hr_scale
$T Down; $L "20"; $T Enter                                 # second pass
$T Down; $L "1024"; $T Enter                               # hr_resize_x
$T Down; $L "1024"; $T Enter                               # hr_resize_y
$T Down; $L "0.55"; $T Enter                               # denoising
$T Down Enter; $L "revAnimated"; $T Enter                  # checkpoint
$T Down Enter; $L "vae-ft-mse-840000-ema-pruned.vae.pt"; $T Tab   # VAE
$T Down Down Enter; $L "https://paintimage.glutinoust.com/api/2023_08_18/20230818183453157097_2436301704c05f465c363e5758d46cff.png"; $T Enter
$T Down Down Down Enter C-u; $L "pro1686666"; $T Enter     # id_task
$T a; w "control type"; $L "inpaint"; $T Enter; w "ControlNet unit 1 of 1"
$T Down Down Enter; $L "https://dbt-aigc.oss-cn-hangzhou.aliyuncs.com/Output-Img2/bbbb/QR_Code4.png"; $T Enter
$T Down Enter; $L "inpaint_global_harmonious"; $T Tab
$T Down Enter; $L "control_v1p_sd15_brightness"; $T Tab
$T Down; $L "0.7"; $T Enter
$T Down; $L "0.35"; $T Enter
$T Down; $L "0.75"; $T Enter
$T Down; $L "512"; $T Enter                                # processor res
$T Down Space                                              # pixel perfect on
$T Escape; w "Unit 1"
$T F5; w "Sent: task_id"
tmux capture-pane -p -t $S | tail -2
